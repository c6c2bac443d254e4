import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWatchEvents, WatchStream, type WatchEvent } from '../../src/client/watch-stream.js';
import { configMap, configMaps, startApi } from './fixtures.js';

async function collect(chunks: (string | Buffer)[]): Promise<WatchEvent[]> {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: WatchEvent[] = [];
  for await (const ev of parseWatchEvents(source())) out.push(ev);
  return out;
}

test('parseWatchEvents() joins lines cut across chunks, including inside a UTF-8 character', async () => {
  const line1 = JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'ünïcødé' } } }) + '\n';
  const line2 = JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '42' } } }) + '\n';
  const bytes = Buffer.from(line1 + line2);
  const cut = bytes.indexOf(Buffer.from('ü')) + 1; // between the two bytes of "ü"
  const events = await collect([bytes.subarray(0, cut), bytes.subarray(cut, cut + 40), bytes.subarray(cut + 40)]);
  assert.equal(events.length, 2);
  assert.equal(events[0].type, 'ADDED');
  assert.deepEqual((events[0].object as unknown as { data: unknown }).data, { k: 'ünïcødé' });
  assert.equal(events[1].type, 'BOOKMARK');
  assert.equal(events[1].object.metadata.resourceVersion, '42');
});

test('parseWatchEvents() reads a last line without newline, skips blank lines and keeps ERROR Status', async () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' };
  const events = await collect(['\n\n', JSON.stringify({ type: 'ERROR', object: status })]);
  assert.equal(events.length, 1);
  const ev = events[0];
  assert.equal(ev.type, 'ERROR');
  if (ev.type === 'ERROR') assert.equal(ev.object.code, 410);
});

test('parseWatchEvents() throws on an unknown event type or bad JSON', async () => {
  await assert.rejects(collect(['{"type":"RENAMED","object":{}}\n']), /Unknown watch event type "RENAMED"/);
  await assert.rejects(collect(['{"type":"ADDED"\n']), SyntaxError);
  await assert.rejects(collect(['{"type":"ADDED"}\n']), /has no object/);
});

test('WatchStream.stop() ends iteration without an error and cancels the source', async () => {
  let cancelled = 0;
  let pulledAgain = false;
  async function* slow() {
    yield '{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}}\n';
    pulledAgain = true;
    throw new Error('connection reset');
  }
  const stream = new WatchStream(slow(), () => void cancelled++);
  const names: string[] = [];
  for await (const ev of stream) {
    if (ev.type === 'ADDED') names.push(ev.object.metadata.name!);
    stream.stop();
  }
  assert.deepEqual(names, ['a']);
  assert.equal(cancelled, 1);
  assert.equal(pulledAgain, false, 'nothing is read after stop()');
  await assert.rejects(async () => {
    for await (const _ of stream) void _;
  }, /only once/);
});

test('WatchStream rethrows a connection that breaks mid-stream', async () => {
  async function* broken() {
    yield '{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}}\n';
    throw new Error('aborted');
  }
  const stream = new WatchStream(broken(), () => {});
  await assert.rejects(async () => {
    for await (const _ of stream) void _;
  }, /aborted/);
});

test('a watch from a resourceVersion the server no longer keeps yields an ERROR event with 410 Expired', async () => {
  const api = await startApi();
  try {
    await api.client.create(configMaps, configMap('x'));
    const stream = await api.client.watch(configMaps, { resourceVersion: '1' });
    const events: WatchEvent[] = [];
    for await (const ev of stream) events.push(ev);
    assert.equal(events.length, 1);
    const ev = events[0];
    assert.equal(ev.type, 'ERROR');
    if (ev.type === 'ERROR') {
      assert.equal(ev.object.code, 410);
      assert.equal(ev.object.reason, 'Expired');
      assert.match(ev.object.message ?? '', /^too old resource version: 1 /);
    }
  } finally {
    await api.close();
  }
});
