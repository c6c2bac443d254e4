// Run by lease-renewer-thread.test.ts in a second process: an API server whose event loop the test's
// busy main thread cannot stall. Prints `port <n>` once listening; runs until killed.
import { ApiServer } from '../../src/apiserver/server.js';
import { MemoryStore } from '../../src/storage/index.js';

const server = new ApiServer({ store: new MemoryStore() });
const port = await server.listen(0);
process.stdout.write(`port ${port}\n`);
