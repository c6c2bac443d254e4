import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregatedDiscovery,
  apiGroupInfo,
  apiGroupList,
  apiResourceList,
  apiVersions,
  subresourcesOf,
  wantsAggregated,
} from '../../src/apiserver/discovery.js';
import { defineResource, ResourceRegistry } from '../../src/api/index.js';
import { deployments, namespaces, pods, registry } from './fixtures.js';

// Discovery documents are plain JSON; tests read them field by field.
type Json = any;
const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

test('apiVersions() lists v1 and the server address', () => {
  assert.deepEqual(apiVersions('127.0.0.1:6443'), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
});

test('apiGroupList() lists every named group with its preferred version; apiGroupInfo() one', () => {
  const list = apiGroupList(registry) as Json;
  assert.equal(list.kind, 'APIGroupList');
  assert.equal(list.apiVersion, 'v1');
  assert.ok(!list.groups.some((g: Json) => g.name === ''), 'the core group is not listed');
  const apps = list.groups.find((g: Json) => g.name === 'apps');
  assert.deepEqual(apps, { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  assert.deepEqual(apiGroupInfo(registry, 'apps'), { kind: 'APIGroup', apiVersion: 'v1', ...apps });
  assert.equal(apiGroupInfo(registry, ''), undefined);
  assert.equal(apiGroupInfo(registry, 'nope'), undefined);
});

test('apiResourceList() describes each resource and its subresources', () => {
  const core = apiResourceList(registry, '', 'v1') as Json;
  assert.equal(core.kind, 'APIResourceList');
  assert.equal(core.groupVersion, 'v1');
  const byName = new Map<string, Json>(core.resources.map((r: Json) => [r.name, r]));
  const podsEntry = byName.get('pods');
  assert.equal(podsEntry.singularName, 'pod');
  assert.equal(podsEntry.namespaced, true);
  assert.equal(podsEntry.kind, 'Pod');
  assert.deepEqual(podsEntry.verbs, allVerbs);
  assert.deepEqual(podsEntry.shortNames, ['po']);
  assert.deepEqual(podsEntry.categories, ['all']);
  assert.match(podsEntry.storageVersionHash, /^[A-Za-z0-9+/=]{11}$/);
  assert.deepEqual(byName.get('namespaces').verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], 'namespaces have no deletecollection');
  assert.equal(byName.get('namespaces').namespaced, false);
  assert.deepEqual(byName.get('pods/status'), { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(byName.get('pods/binding'), { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
  assert.deepEqual(byName.get('pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  assert.deepEqual(byName.get('pods/log').verbs, ['get']);
  assert.deepEqual(byName.get('pods/exec'), { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
  assert.deepEqual(byName.get('pods/proxy').verbs, ['create', 'delete', 'get', 'patch', 'update']);
  assert.equal(byName.get('pods/proxy').kind, 'PodProxyOptions');
  assert.deepEqual(byName.get('namespaces/finalize').verbs, ['update']);
  const apps = apiResourceList(registry, 'apps', 'v1') as Json;
  assert.equal(apps.groupVersion, 'apps/v1');
  const scale = apps.resources.find((r: Json) => r.name === 'deployments/scale');
  assert.deepEqual(scale, { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  assert.equal(apiResourceList(registry, 'apps', 'v2'), undefined);
});

test('subresourcesOf() follows the definition; a definition may narrow its verbs', () => {
  assert.deepEqual(subresourcesOf(deployments).map((s) => s.name), ['status', 'scale']);
  assert.deepEqual(subresourcesOf(namespaces).map((s) => s.name), ['status', 'finalize']);
  assert.deepEqual(subresourcesOf(pods).map((s) => s.name), ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy']);
  const readOnly = defineResource({ group: 'example.com', version: 'v1', kind: 'Thing', plural: 'things', namespaced: false, schema: 'x', verbs: ['get', 'list'] });
  const list = apiResourceList(new ResourceRegistry([readOnly]), 'example.com', 'v1') as Json;
  assert.deepEqual(list.resources, [{ name: 'things', singularName: 'thing', namespaced: false, kind: 'Thing', verbs: ['get', 'list'], storageVersionHash: list.resources[0].storageVersionHash }]);
});

test('aggregatedDiscovery() gives one APIGroupDiscoveryList for the core group or the named groups', () => {
  const legacy = aggregatedDiscovery(registry, true) as Json;
  assert.equal(legacy.kind, 'APIGroupDiscoveryList');
  assert.equal(legacy.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.equal(legacy.items.length, 1);
  assert.equal(legacy.items[0].metadata.name, '');
  const v1 = legacy.items[0].versions[0];
  assert.equal(v1.version, 'v1');
  assert.equal(v1.freshness, 'Current');
  const podRes = v1.resources.find((r: Json) => r.resource === 'pods');
  assert.deepEqual(podRes.responseKind, { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(podRes.scope, 'Namespaced');
  assert.equal(podRes.singularResource, 'pod');
  assert.deepEqual(podRes.subresources.find((s: Json) => s.subresource === 'eviction'), { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
  assert.equal(v1.resources.find((r: Json) => r.resource === 'nodes').scope, 'Cluster');
  const named = aggregatedDiscovery(registry, false) as Json;
  assert.ok(named.items.every((i: Json) => i.metadata.name !== ''));
  const apps = named.items.find((i: Json) => i.metadata.name === 'apps');
  const dep = apps.versions[0].resources.find((r: Json) => r.resource === 'deployments');
  assert.deepEqual(dep.subresources.find((s: Json) => s.subresource === 'scale').responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

test('wantsAggregated() recognises the v2 aggregated discovery media type only', () => {
  const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
  assert.equal(wantsAggregated(undefined), undefined);
  assert.equal(wantsAggregated('application/json'), undefined);
  assert.equal(wantsAggregated(`${v2},application/json`), v2);
  assert.equal(wantsAggregated('application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList'), v2);
  assert.equal(wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), undefined);
  assert.equal(wantsAggregated(`application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,${v2}`), v2);
});
