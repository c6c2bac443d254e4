/**
 * Brokers Wharf ships: the example broker used by tests and examples, Wharf's PostgreSQL broker
 * (`wharf broker postgresql`), and the OSB HTTP layer both serve through.
 */
export {
  startExampleBroker,
  type ExampleBroker,
  type ExampleBrokerOptions,
  type RecordedRequest,
  type BrokerBehaviour,
  type OperationFailure,
  type Fault,
} from './example-broker.js';
export { exampleCatalog, EXAMPLE_SERVICE_ID, SMALL_PLAN_ID, LARGE_PLAN_ID, LARGE_PLAN_MAINTENANCE_VERSION } from './example-catalog.js';
export type { InstanceRecord, BindingRecord, OperationRecord } from './broker-state.js';
export {
  startOsbServer,
  routeOsbRequest,
  osbAuthorized,
  type OsbServer,
  type OsbServerOptions,
  type OsbRequest,
  type OsbRoute,
  type OsbHandler,
  type BrokerAnswer,
  type BrokerEndpoint,
  type ArrivedRequest,
  type InterceptedAnswer,
} from './osb-http-server.js';
export * from './postgresql/index.js';
