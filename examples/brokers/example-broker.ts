/**
 * Starts Wharf's example OSB broker on a port, for trying the service catalog by hand:
 *
 *   npx tsx examples/brokers/example-broker.ts --port 8090 --user admin --password secret [--async] [--state broker.json]
 *
 * Then register it: a ClusterServiceBroker with `url: http://127.0.0.1:8090` and a basic-auth Secret.
 */
import { parseArgs } from 'node:util';
import { startExampleBroker } from '../../src/catalog/brokers/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string' },
    password: { type: 'string' },
    async: { type: 'boolean', default: false },
    state: { type: 'string' },
  },
});

const auth = values.user !== undefined ? { basic: { username: values.user, password: values.password ?? '' } } : undefined;
const broker = await startExampleBroker({
  port: Number(values.port),
  host: values.host,
  async: values.async,
  ...(auth ? { auth } : {}),
  ...(values.state ? { stateFile: values.state } : {}),
});
console.log(`Example broker listening on ${broker.url}${auth ? ' (basic auth)' : ''}`);

const stop = (): void => {
  void broker.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
