import { Command, InvalidArgumentError, Option } from 'commander';
import { up, type UpOptions } from './up.js';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

const program = new Command('wharf').description('A Kubernetes-compatible control plane for bare-metal clusters');

program
  .command('up')
  .description('start an all-in-one cluster and write an admin kubeconfig')
  .option('--data-dir <dir>', 'where the cluster keeps its state', './.wharf')
  .option('--port <port>', 'API server port (0 picks a free one)', portNumber, 6443)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--insecure-http', 'serve plain HTTP with no authentication or authorization (development only)')
  .option('--token-auth-file <file>', 'static bearer tokens, one "token,user,uid,\"group1,group2\"" line each')
  .addOption(new Option('--authorization-mode <mode>', 'how requests are authorized').choices(['RBAC', 'AlwaysAllow']).default('RBAC'))
  .option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (default: Metadata for everything but health checks and lease renewals)')
  .option('--audit-webhook-config-file <file>', 'kubeconfig-format file naming an audit webhook')
  .action(async (opts: UpOptions) => {
    const cluster = await up(opts);
    console.log(`Wharf API server listening on ${cluster.url}`);
    console.log(`To use kubectl with this cluster:\n\n  export KUBECONFIG=${cluster.kubeconfig}\n  kubectl get namespaces\n`);
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
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
