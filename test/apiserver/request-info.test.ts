import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRequest, type RequestInfo } from '../../src/apiserver/request-info.js';

const q = (s = '') => new URLSearchParams(s);
const r = (method: string, path: string, query = '') => resolveRequest(method, path, q(query));

/** The resource fields of a request, without undefined entries, for compact comparisons. */
function fieldsOf(info: RequestInfo): Record<string, unknown> {
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined));
}

test('resolveRequest() resolves core and group collection and object URLs', () => {
  assert.deepEqual(fieldsOf(r('GET', '/api/v1/namespaces/default/pods')), {
    kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'default', resource: 'pods', verb: 'list',
  });
  assert.deepEqual(fieldsOf(r('GET', '/apis/apps/v1/namespaces/prod/deployments/web')), {
    kind: 'resource', prefix: 'apis', group: 'apps', version: 'v1', namespace: 'prod', resource: 'deployments', name: 'web', verb: 'get',
  });
  assert.deepEqual(fieldsOf(r('GET', '/api/v1/nodes/n1')), {
    kind: 'resource', prefix: 'api', group: '', version: 'v1', resource: 'nodes', name: 'n1', verb: 'get',
  });
  assert.deepEqual(fieldsOf(r('GET', '/apis/apps/v1/deployments')), {
    kind: 'resource', prefix: 'apis', group: 'apps', version: 'v1', resource: 'deployments', verb: 'list',
  });
});

test('resolveRequest() maps methods to verbs', () => {
  const path = '/api/v1/namespaces/default/configmaps';
  assert.equal(r('POST', path).verb, 'create');
  assert.equal(r('GET', path).verb, 'list');
  assert.equal(r('HEAD', path).verb, 'list');
  assert.equal(r('DELETE', path).verb, 'deletecollection');
  assert.equal(r('GET', `${path}/c`).verb, 'get');
  assert.equal(r('HEAD', `${path}/c`).verb, 'get');
  assert.equal(r('PUT', `${path}/c`).verb, 'update');
  assert.equal(r('PATCH', `${path}/c`).verb, 'patch');
  assert.equal(r('DELETE', `${path}/c`).verb, 'delete');
});

test('resolveRequest() reads subresources', () => {
  const info = r('PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale');
  assert.equal(info.kind, 'resource');
  assert.deepEqual(fieldsOf(info), {
    kind: 'resource', prefix: 'apis', group: 'apps', version: 'v1', namespace: 'default', resource: 'deployments', name: 'web', subresource: 'scale', verb: 'update',
  });
  const status = r('GET', '/api/v1/namespaces/default/pods/p/status');
  assert.equal(status.kind === 'resource' && status.subresource, 'status');
  assert.equal(status.verb, 'get');
  const binding = r('POST', '/api/v1/namespaces/default/pods/p/binding');
  assert.equal(binding.kind === 'resource' && binding.subresource, 'binding');
  assert.equal(binding.verb, 'create');
  const nodeStatus = r('PATCH', '/api/v1/nodes/n1/status');
  assert.deepEqual(fieldsOf(nodeStatus), { kind: 'resource', prefix: 'api', group: '', version: 'v1', resource: 'nodes', name: 'n1', subresource: 'status', verb: 'patch' });
});

test('resolveRequest() treats /watch/ paths and ?watch as watches', () => {
  const pathWatch = r('GET', '/api/v1/watch/namespaces/default/pods');
  assert.deepEqual(fieldsOf(pathWatch), { kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'default', resource: 'pods', verb: 'watch' });
  const one = r('GET', '/apis/apps/v1/watch/namespaces/default/deployments/web');
  assert.equal(one.verb, 'watch');
  assert.equal(one.kind === 'resource' && one.name, 'web');
  assert.equal(r('GET', '/api/v1/watch/nodes').verb, 'watch');
  assert.equal(r('GET', '/api/v1/pods', 'watch=true').verb, 'watch');
  assert.equal(r('GET', '/api/v1/pods', 'watch=1').verb, 'watch');
  assert.equal(r('GET', '/api/v1/pods', 'watch=false').verb, 'list');
  assert.equal(r('GET', '/api/v1/pods', 'watch=0').verb, 'list');
});

test('resolveRequest() reads ?watch as Kubernetes parses booleans: anything but "false" and "0"', () => {
  assert.equal(r('GET', '/api/v1/pods', 'watch=True').verb, 'watch');
  assert.equal(r('GET', '/api/v1/pods', 'watch=yes').verb, 'watch');
  assert.equal(r('GET', '/api/v1/pods', 'watch=FALSE').verb, 'list');
  assert.equal(r('GET', '/api/v1/pods', 'watch=').verb, 'watch', 'an empty value is true');
  assert.equal(r('GET', '/api/v1/pods', 'watch=0&watch=1').verb, 'list', 'the first value counts');
});

test('resolveRequest() resolves namespaces/<name> as the namespace object, in its own namespace', () => {
  const ns = r('GET', '/api/v1/namespaces/team');
  assert.deepEqual(fieldsOf(ns), { kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'team', resource: 'namespaces', name: 'team', verb: 'get' });
  assert.equal(r('DELETE', '/api/v1/namespaces/team').verb, 'delete');
  const all = r('GET', '/api/v1/namespaces');
  assert.deepEqual(fieldsOf(all), { kind: 'resource', prefix: 'api', group: '', version: 'v1', resource: 'namespaces', verb: 'list' });
  assert.equal(r('DELETE', '/api/v1/namespaces').verb, 'deletecollection');
});

test('resolveRequest() resolves namespaces/<name>/status and /finalize as namespace subresources', () => {
  const fin = r('PUT', '/api/v1/namespaces/team/finalize');
  assert.deepEqual(fieldsOf(fin), { kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'team', resource: 'namespaces', name: 'team', subresource: 'finalize', verb: 'update' });
  const st = r('GET', '/api/v1/namespaces/team/status');
  assert.deepEqual(fieldsOf(st), { kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'team', resource: 'namespaces', name: 'team', subresource: 'status', verb: 'get' });
  const inside = r('GET', '/api/v1/namespaces/team/statuses');
  assert.deepEqual(fieldsOf(inside), { kind: 'resource', prefix: 'api', group: '', version: 'v1', namespace: 'team', resource: 'statuses', verb: 'list' }, 'other steps are resources in the namespace');
});

test('resolveRequest() takes the name from a metadata.name field selector on a list, as Kubernetes does for authorization', () => {
  const info = r('GET', '/api/v1/namespaces/default/pods', 'fieldSelector=metadata.name%3Dweb');
  assert.equal(info.verb, 'list');
  assert.equal(info.kind === 'resource' && info.name, 'web');
  const watch = r('GET', '/api/v1/pods', 'watch=true&fieldSelector=status.phase%3DRunning,metadata.name%3Dweb');
  assert.deepEqual(fieldsOf(watch), { kind: 'resource', prefix: 'api', group: '', version: 'v1', resource: 'pods', name: 'web', nameFromSelector: true, verb: 'watch' });
  const ns = r('GET', '/api/v1/namespaces', 'fieldSelector=metadata.name%3Dteam');
  assert.deepEqual(fieldsOf(ns), { kind: 'resource', prefix: 'api', group: '', version: 'v1', resource: 'namespaces', name: 'team', nameFromSelector: true, verb: 'list' }, 'the list stays cluster-wide');
  // No name from a selector that is unparsable, unpinned, off the list, or not a path segment.
  const nameOf = (method: string, path: string, query: string) => {
    const info = r(method, path, query);
    return info.kind === 'resource' ? info.name : 'nonresource';
  };
  assert.equal(nameOf('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3Dweb,bogus'), undefined);
  assert.equal(nameOf('GET', '/api/v1/pods', 'fieldSelector=metadata.name!%3Dweb'), undefined);
  assert.equal(nameOf('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3D..'), undefined);
  assert.equal(nameOf('GET', '/api/v1/pods', 'fieldSelector=metadata.name%3D'), undefined);
  assert.equal(nameOf('GET', '/api/v1/watch/pods', 'fieldSelector=metadata.name%3Dweb'), undefined, 'the legacy watch path ignores it');
  assert.equal(nameOf('DELETE', '/api/v1/namespaces/default/pods', 'fieldSelector=metadata.name%3Dweb'), undefined);
  assert.equal(r('DELETE', '/api/v1/namespaces/default/pods', 'fieldSelector=metadata.name%3Dweb').verb, 'deletecollection');
  assert.equal(nameOf('GET', '/api/v1/namespaces/default/pods/other', 'fieldSelector=metadata.name%3Dweb'), 'other');
});

test('resolveRequest() decodes percent-escapes in path segments', () => {
  const info = r('GET', '/api/v1/namespaces/default/configmaps/a%2Eb');
  assert.equal(info.kind === 'resource' && info.name, 'a.b');
});

test('resolveRequest() answers a malformed percent-escape with a 400, not an exception', () => {
  let info: RequestInfo | undefined;
  try {
    info = r('GET', '/api/v1/namespaces/%zz/pods');
  } catch (e) {
    assert.ok((e as { code?: number }).code === 400, `threw ${String(e)}`);
    return;
  }
  assert.equal(info.kind, 'nonresource');
});

test('resolveRequest() leaves non-resource paths as non-resource requests', () => {
  for (const path of ['/', '/healthz', '/version', '/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/openapi/v2', '/metrics']) {
    const info = r('GET', path);
    assert.equal(info.kind, 'nonresource', path);
    assert.equal(info.verb, 'get');
    assert.equal(info.kind === 'nonresource' && info.path, path);
  }
  assert.equal(r('POST', '/healthz').verb, 'create');
  // More segments than resource/name/subresource address nothing.
  assert.equal(r('GET', '/api/v1/namespaces/default/pods/p/status/extra').kind, 'nonresource');
});
