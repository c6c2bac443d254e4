import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandVars, processArgs } from '../../../../src/node/runtimes/container/process-args.js';

const image = { Entrypoint: ['/entry'], Cmd: ['--default'] };
const env = new Map([['NAME', 'world']]);

test('processArgs() falls back to the image Entrypoint and Cmd by Kubernetes rules', () => {
  assert.deepEqual(processArgs({}, image, env), ['/entry', '--default']);
  assert.deepEqual(processArgs({ args: ['--x'] }, image, env), ['/entry', '--x']);
  assert.deepEqual(processArgs({ command: ['/bin/sh'] }, image, env), ['/bin/sh']);
  assert.deepEqual(processArgs({ command: ['/bin/sh'], args: ['-c', 'true'] }, image, env), ['/bin/sh', '-c', 'true']);
  assert.deepEqual(processArgs({ command: [], args: [] }, { Cmd: ['sh'] }, env), ['sh']);
});

test('processArgs() expands $(VAR) from the container env', () => {
  assert.deepEqual(processArgs({ command: ['echo', 'hello $(NAME)', '$(MISSING)', '$$(NAME)'] }, image, env), ['echo', 'hello world', '$(MISSING)', '$(NAME)']);
});

test('expandVars() keeps an unterminated reference and lone dollars as written', () => {
  assert.equal(expandVars('a $(NAME', () => 'x'), 'a $(NAME');
  assert.equal(expandVars('cost $5 $', () => 'x'), 'cost $5 $');
  assert.equal(expandVars('$$$$', () => 'x'), '$$');
});
