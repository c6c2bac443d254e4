// One helper for tests and benchmarks; both trees compile side by side into dist/.
export { freePort } from '../../test/support/free-port.js';
