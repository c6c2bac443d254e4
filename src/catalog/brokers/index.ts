/** Brokers Wharf ships: the example broker used by tests and examples. */
export {
  startExampleBroker,
  type ExampleBroker,
  type ExampleBrokerOptions,
  type RecordedRequest,
  type BrokerBehaviour,
  type OperationFailure,
  type BrokerEndpoint,
  type Fault,
} from './example-broker.js';
export { exampleCatalog, EXAMPLE_SERVICE_ID, SMALL_PLAN_ID, LARGE_PLAN_ID, LARGE_PLAN_MAINTENANCE_VERSION } from './example-catalog.js';
export type { InstanceRecord, BindingRecord, OperationRecord } from './broker-state.js';
