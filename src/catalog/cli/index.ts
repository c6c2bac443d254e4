/** `wharf catalog` and `wharf broker`: the module's public surface. */
import type { Command } from 'commander';
import { registerBrokerCommand } from './broker-command.js';
import { registerCatalogCommand } from './catalog-command.js';

export { CatalogCli, type CatalogCliOptions, type GetKind, type OutputFormat } from './catalog-cli.js';
export { registerBrokerCommand, runPostgresqlBroker, parseListen } from './broker-command.js';
export { registerCatalogCommand } from './catalog-command.js';
export { formatTable, humanDuration } from './format.js';

/** Adds `wharf catalog` (the svcat verbs) and `wharf broker` (Wharf's brokers) to the program. */
export function registerCatalogCommands(program: Command): void {
  registerCatalogCommand(program);
  registerBrokerCommand(program);
}
