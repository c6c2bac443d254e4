/** Wharf's PostgreSQL broker: the module's public surface. */
export { startPostgresqlBroker, parsePostgresUrl, type PostgresqlBroker, type PostgresqlBrokerOptions } from './postgresql-broker.js';
export {
  postgresqlCatalog,
  POSTGRESQL_SERVICE_ID,
  STANDARD_PLAN_ID,
  STANDARD_ASYNC_PLAN_ID,
  ALLOWED_EXTENSIONS,
  MAX_CONNECTION_LIMIT,
} from './catalog.js';
