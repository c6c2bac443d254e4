// Run by node-command.test.ts in a second process: `wharf node` against the test server.
// Arguments: <kubeconfig> <name> [simulated count]
import { runNodeCommand } from '../../src/node/index.js';

const [kubeconfig, name, simulated] = process.argv.slice(2);
await runNodeCommand({
  kubeconfig,
  name,
  simulated: simulated === undefined ? undefined : Number(simulated),
  zone: 'edge',
  labels: { joined: 'true' },
  startupDelayMs: 0,
  renewIntervalMs: 200,
});
process.stdout.write('stopped\n');
