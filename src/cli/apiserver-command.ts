import { Command, InvalidArgumentError, Option } from 'commander';
import { addStorageOptions, type StorageOptions } from './storage-options.js';
import { authorizationModes, up, type AuthorizationMode, type RunningCluster } from './up.js';

export interface ApiServerCommandOptions extends StorageOptions {
  dataDir: string;
  port: number;
  host: string;
  insecureHttp?: boolean;
  tokenAuthFile?: string;
  authorizationMode: AuthorizationMode;
  auditPolicyFile?: string;
  auditWebhookConfigFile?: string;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

/** Stops `cluster` on SIGINT or SIGTERM, then exits. */
export function stopOnSignal(cluster: RunningCluster): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Declares the options `wharf up` and `wharf apiserver` share: where and how the API server listens, its
 * authentication, authorization and audit, and where it keeps state (--data-dir, whose help `dataDirHelp`
 * words for the command, and the storage options).
 */
export function addApiServerOptions(command: Command, dataDirHelp: string): Command {
  command
    .option('--data-dir <dir>', dataDirHelp, './.wharf')
    .option('--port <port>', 'API server port (0 picks a free one)', portNumber, 6443)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--insecure-http', 'serve plain HTTP with no authentication or authorization (development only)')
    .option('--token-auth-file <file>', 'static bearer tokens, one "token,user,uid,\"group1,group2\"" line each')
    .addOption(new Option('--authorization-mode <mode>', 'how requests are authorized').choices([...authorizationModes]).default('Node,RBAC'))
    .option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (default: Metadata for everything but health checks and lease renewals)')
    .option('--audit-webhook-config-file <file>', 'kubeconfig-format file naming an audit webhook');
  return addStorageOptions(command);
}

/**
 * `wharf apiserver`: the API server alone, for clusters whose scheduler, controllers and nodes run as their
 * own processes. Several of them can serve one cluster when they share an etcd (`--etcd`) and the
 * certificates in one data directory (copy its pki/ folder to other hosts).
 */
export function apiserverCommand(): Command {
  const command = new Command('apiserver').description('run only the API server (several can share one etcd with --etcd)');
  return addApiServerOptions(command, 'where the certificates, kubeconfig and audit log live (and the state, without --etcd)').action(async (opts: ApiServerCommandOptions) => {
    const cluster = await up({ ...opts, apiServerOnly: true });
    console.log(`Wharf API server listening on ${cluster.url}`);
    console.log(`Admin kubeconfig: ${cluster.kubeconfig}`);
    stopOnSignal(cluster);
  });
}

/** Registers `wharf apiserver`, so main.ts needs one line. */
export function registerApiserverCommand(program: Command): void {
  program.addCommand(apiserverCommand());
}
