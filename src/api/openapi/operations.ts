import type { ResourceDefinition } from '../resource.js';

/**
 * The REST operations of Kubernetes resources in a form independent of the OpenAPI version, rendered as
 * Swagger 2.0 by v2.ts and as OpenAPI 3.0 by v3.ts. Shapes (paths, operation ids, actions, parameters)
 * follow what kube-apiserver publishes, because clients read them: kubectl checks a PATCH operation's
 * parameters for `fieldValidation` and matches operations to kinds by `x-kubernetes-group-version-kind`.
 */

export interface Param {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  required?: boolean;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Operation {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  operationId: string;
  description: string;
  tag: string;
  /** `x-kubernetes-action`. */
  action: string;
  gvk?: GroupVersionKind;
  params: Param[];
  /** Definition name of the request body; PATCH bodies use meta/v1 Patch. */
  body?: string;
  /** Response code -> definition name (or `string` for a plain-text body, undefined for none). */
  responses: Record<string, string | undefined>;
  consumes: string[];
  produces: string[];
}

export interface PathItem {
  path: string;
  params: Param[];
  operations: Operation[];
}

export const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const statusDefinition = `${metaV1}.Status`;
export const deleteOptionsDefinition = `${metaV1}.DeleteOptions`;
export const patchDefinition = `${metaV1}.Patch`;
export const watchEventDefinition = `${metaV1}.WatchEvent`;
export const scaleDefinition = 'io.k8s.api.autoscaling.v1.Scale';

const objectMedia = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const listMedia = [...objectMedia, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const watchMedia = listMedia;
const patchMedia = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const anyMedia = ['*/*'];

function q(name: string, type: Param['type'], description: string): Param {
  return { name, in: 'query', type, description };
}

// Query parameters of the apiserver's REST verbs.
const pretty = q('pretty', 'string', "If 'true', the output is pretty-printed.");
const dryRun = q('dryRun', 'string', 'When present, the request is validated and admitted but not persisted. The only accepted value is All.');
const fieldManager = q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields. At most 128 printable characters.');
const fieldValidation = q(
  'fieldValidation',
  'string',
  'How the server treats unknown and duplicate fields in the request body: Ignore (drop them), Warn (drop them and add a warning header per field) or Strict (reject the request).',
);
const force = q('force', 'boolean', 'Apply patches only: take ownership of conflicting fields from other managers.');
const allowWatchBookmarks = q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK watch events; the server may send them or not.');
const continueParam = q('continue', 'string', 'The continue token of a previous paginated list, to fetch the next page.');
const fieldSelector = q('fieldSelector', 'string', 'Restricts the returned objects by their fields. Defaults to everything.');
const labelSelector = q('labelSelector', 'string', 'Restricts the returned objects by their labels. Defaults to everything.');
const limit = q('limit', 'integer', 'Maximum number of items to return; the response carries a continue token when more remain.');
const resourceVersion = q('resourceVersion', 'string', 'Which resourceVersion the result must be at least as new as (see resourceVersionMatch).');
const resourceVersionMatch = q('resourceVersionMatch', 'string', 'How resourceVersion is applied to list calls: Exact or NotOlderThan.');
const sendInitialEvents = q('sendInitialEvents', 'boolean', 'With watch=true, start the watch with synthetic ADDED events for the current state.');
const timeoutSeconds = q('timeoutSeconds', 'integer', 'Timeout for the list or watch call, in seconds.');
const watch = q('watch', 'boolean', 'Stream add, update and delete notifications instead of returning a list.');
const gracePeriodSeconds = q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; zero means at once.');
const orphanDependents = q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.');
const propagationPolicy = q('propagationPolicy', 'string', 'Garbage collection of dependents: Orphan, Background or Foreground.');
const ignoreStoreReadError = q(
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'boolean',
  'Delete an object that cannot be read from storage (corrupt); dangerous.',
);

const listParams = [
  allowWatchBookmarks,
  continueParam,
  fieldSelector,
  labelSelector,
  limit,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
  watch,
];
const writeParams = [dryRun, fieldManager, fieldValidation];

function pathParam(name: string, description: string): Param {
  return { name, in: 'path', type: 'string', description, required: true };
}
const namespaceParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects');

/** `apps` -> `Apps`, `rbac.authorization.k8s.io` -> `RbacAuthorization`, core -> `Core`. */
function groupWord(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The operation-id infix of a group-version: `CoreV1`, `AppsV1`. */
export function gvWord(group: string, version: string): string {
  return groupWord(group) + version.charAt(0).toUpperCase() + version.slice(1);
}

/** The tag kube-apiserver gives a group-version: `core_v1`, `rbacAuthorization_v1`. */
export function gvTag(group: string, version: string): string {
  const g = groupWord(group);
  return `${g.charAt(0).toLowerCase()}${g.slice(1)}_${version}`;
}

/** The URL prefix of a group-version without leading slash: `api/v1`, `apis/apps/v1`. */
export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function has(r: ResourceDefinition, verb: string): boolean {
  return r.verbs === undefined || r.verbs.includes(verb);
}

/** The definition name of a kind's list: Pod -> PodList in the kind's package. */
export function listDefinitionOf(r: ResourceDefinition): string {
  return r.schema.slice(0, r.schema.lastIndexOf('.') + 1) + r.listKind;
}

/** Every path of one resource, in the order kube-apiserver lists them. */
export function resourcePaths(r: ResourceDefinition): PathItem[] {
  const prefix = `/${gvPath(r.group, r.version)}`;
  const gv = gvWord(r.group, r.version);
  const tag = gvTag(r.group, r.version);
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const scope = r.namespaced ? 'Namespaced' : '';
  const nsSegment = r.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = r.namespaced ? [namespaceParam] : [];
  const nameParam = pathParam('name', `name of the ${r.kind}`);
  const list = listDefinitionOf(r);
  const deleteReturnsObject = r.group === '' && r.kind === 'Pod';
  const items: PathItem[] = [];

  const op = (o: Omit<Operation, 'tag' | 'gvk' | 'consumes' | 'produces'> & Partial<Operation>): Operation => ({
    tag,
    gvk,
    consumes: anyMedia,
    produces: objectMedia,
    ...o,
  });

  // Collection: list, create, deletecollection.
  const collection: Operation[] = [];
  if (has(r, 'list')) {
    collection.push(
      op({
        method: 'get',
        operationId: `list${gv}${scope}${r.kind}`,
        description: `list or watch objects of kind ${r.kind}`,
        action: 'list',
        params: listParams,
        responses: { '200': list, '401': undefined },
        produces: listMedia,
      }),
    );
  }
  if (has(r, 'create')) {
    collection.push(
      op({
        method: 'post',
        operationId: `create${gv}${scope}${r.kind}`,
        description: `create a ${r.kind}`,
        action: 'post',
        params: writeParams,
        body: r.schema,
        responses: { '200': r.schema, '201': r.schema, '202': r.schema, '401': undefined },
      }),
    );
  }
  if (has(r, 'deletecollection')) {
    collection.push(
      op({
        method: 'delete',
        operationId: `deletecollection${gv}${scope}${r.kind}`,
        description: `delete collection of ${r.kind}`,
        action: 'deletecollection',
        params: [
          continueParam,
          dryRun,
          fieldSelector,
          gracePeriodSeconds,
          ignoreStoreReadError,
          labelSelector,
          limit,
          orphanDependents,
          propagationPolicy,
          resourceVersion,
          resourceVersionMatch,
          sendInitialEvents,
          timeoutSeconds,
        ],
        body: deleteOptionsDefinition,
        responses: { '200': statusDefinition, '401': undefined },
      }),
    );
  }
  if (collection.length) {
    items.push({ path: `${prefix}${nsSegment}/${r.plural}`, params: [...nsParams, pretty], operations: collection });
  }

  // One object: read, replace, delete, patch.
  const single: Operation[] = [];
  if (has(r, 'get')) {
    single.push(
      op({
        method: 'get',
        operationId: `read${gv}${scope}${r.kind}`,
        description: `read the specified ${r.kind}`,
        action: 'get',
        params: [],
        responses: { '200': r.schema, '401': undefined },
      }),
    );
  }
  if (has(r, 'update')) {
    single.push(
      op({
        method: 'put',
        operationId: `replace${gv}${scope}${r.kind}`,
        description: `replace the specified ${r.kind}`,
        action: 'put',
        params: writeParams,
        body: r.schema,
        responses: { '200': r.schema, '201': r.schema, '401': undefined },
      }),
    );
  }
  if (has(r, 'delete')) {
    const result = deleteReturnsObject ? r.schema : statusDefinition;
    single.push(
      op({
        method: 'delete',
        operationId: `delete${gv}${scope}${r.kind}`,
        description: `delete a ${r.kind}`,
        action: 'delete',
        params: [dryRun, gracePeriodSeconds, ignoreStoreReadError, orphanDependents, propagationPolicy],
        body: deleteOptionsDefinition,
        responses: { '200': result, '202': result, '401': undefined },
      }),
    );
  }
  if (has(r, 'patch')) single.push(patchOp(op, `patch${gv}${scope}${r.kind}`, `partially update the specified ${r.kind}`, r.schema));
  if (single.length) {
    items.push({ path: `${prefix}${nsSegment}/${r.plural}/{name}`, params: [nameParam, ...nsParams, pretty], operations: single });
  }

  // Subresources.
  const sub = (name: string, operations: Operation[]): void => {
    items.push({ path: `${prefix}${nsSegment}/${r.plural}/{name}/${name}`, params: [nameParam, ...nsParams, pretty], operations });
  };
  if (r.subresources.status) {
    const id = `${gv}${scope}${r.kind}Status`;
    sub('status', [
      op({ method: 'get', operationId: `read${id}`, description: `read status of the specified ${r.kind}`, action: 'get', params: [], responses: { '200': r.schema, '401': undefined } }),
      op({
        method: 'put',
        operationId: `replace${id}`,
        description: `replace status of the specified ${r.kind}`,
        action: 'put',
        params: writeParams,
        body: r.schema,
        responses: { '200': r.schema, '201': r.schema, '401': undefined },
      }),
      patchOp(op, `patch${id}`, `partially update status of the specified ${r.kind}`, r.schema),
    ]);
  }
  if (r.subresources.scale) {
    const id = `${gv}${scope}${r.kind}Scale`;
    const scaleGvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    sub('scale', [
      op({ method: 'get', operationId: `read${id}`, description: `read scale of the specified ${r.kind}`, action: 'get', gvk: scaleGvk, params: [], responses: { '200': scaleDefinition, '401': undefined } }),
      op({
        method: 'put',
        operationId: `replace${id}`,
        description: `replace scale of the specified ${r.kind}`,
        action: 'put',
        gvk: scaleGvk,
        params: writeParams,
        body: scaleDefinition,
        responses: { '200': scaleDefinition, '201': scaleDefinition, '401': undefined },
      }),
      { ...patchOp(op, `patch${id}`, `partially update scale of the specified ${r.kind}`, scaleDefinition), gvk: scaleGvk },
    ]);
  }
  if (r.subresources.binding) {
    const binding = 'io.k8s.api.core.v1.Binding';
    sub('binding', [
      op({
        method: 'post',
        operationId: `create${gv}${scope}${r.kind}Binding`,
        description: `create binding of a ${r.kind}`,
        action: 'post',
        gvk: { group: '', version: 'v1', kind: 'Binding' },
        params: writeParams,
        body: binding,
        responses: { '200': binding, '201': binding, '202': binding, '401': undefined },
      }),
    ]);
  }
  if (r.subresources.eviction) {
    const eviction = 'io.k8s.api.policy.v1.Eviction';
    sub('eviction', [
      op({
        method: 'post',
        operationId: `create${gv}${scope}${r.kind}Eviction`,
        description: `create eviction of a ${r.kind}`,
        action: 'post',
        gvk: { group: 'policy', version: 'v1', kind: 'Eviction' },
        params: writeParams,
        body: eviction,
        responses: { '200': eviction, '201': eviction, '202': eviction, '401': undefined },
      }),
    ]);
  }
  if (r.subresources.log) {
    sub('log', [
      op({
        method: 'get',
        operationId: `read${gv}${scope}${r.kind}Log`,
        description: `read log of the specified ${r.kind}`,
        action: 'get',
        params: [
          q('container', 'string', 'The container whose logs to stream; may be omitted for pods with one container.'),
          q('follow', 'boolean', 'Keep streaming the log as it grows.'),
          q('insecureSkipTLSVerifyBackend', 'boolean', 'Skip verifying the serving certificate of the node.'),
          q('limitBytes', 'integer', 'Stop after this many bytes of log.'),
          q('previous', 'boolean', 'Return the log of the previous, terminated container.'),
          q('sinceSeconds', 'integer', 'Only log lines newer than this many seconds.'),
          q('tailLines', 'integer', 'Only this many lines from the end of the log.'),
          q('timestamps', 'boolean', 'Prefix each line with an RFC3339 timestamp.'),
        ],
        responses: { '200': 'string', '401': undefined },
        produces: ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
      }),
    ]);
  }

  // Cluster-wide list of namespaced kinds, and the deprecated watch paths.
  if (r.namespaced && has(r, 'list')) {
    items.push({
      path: `${prefix}/${r.plural}`,
      params: [...listParams, pretty],
      operations: [
        op({
          method: 'get',
          operationId: `list${gv}${r.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${r.kind}`,
          action: 'list',
          params: [],
          responses: { '200': list, '401': undefined },
          produces: listMedia,
        }),
      ],
    });
  }
  if (has(r, 'watch')) {
    const watchOp = (operationId: string, description: string, action: string): Operation =>
      op({ method: 'get', operationId, description, action, params: [], responses: { '200': watchEventDefinition, '401': undefined }, produces: watchMedia });
    items.push({
      path: `${prefix}/watch${nsSegment}/${r.plural}`,
      params: [...listParams, ...nsParams, pretty],
      operations: [
        watchOp(
          `watch${gv}${scope}${r.kind}List`,
          `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          'watchlist',
        ),
      ],
    });
    items.push({
      path: `${prefix}/watch${nsSegment}/${r.plural}/{name}`,
      params: [...listParams, nameParam, ...nsParams, pretty],
      operations: [
        watchOp(
          `watch${gv}${scope}${r.kind}`,
          `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
          'watch',
        ),
      ],
    });
    if (r.namespaced) {
      items.push({
        path: `${prefix}/watch/${r.plural}`,
        params: [...listParams, pretty],
        operations: [
          watchOp(
            `watch${gv}${r.kind}ListForAllNamespaces`,
            `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
            'watchlist',
          ),
        ],
      });
    }
  }
  return items;
}

type OpBuilder = (o: Omit<Operation, 'tag' | 'gvk' | 'consumes' | 'produces'> & Partial<Operation>) => Operation;

function patchOp(op: OpBuilder, operationId: string, description: string, schema: string): Operation {
  return op({
    method: 'patch',
    operationId,
    description,
    action: 'patch',
    // fieldValidation must be among the PATCH operation's own parameters: kubectl decides on server-side
    // field validation by finding it there.
    params: [dryRun, fieldManager, fieldValidation, force],
    body: patchDefinition,
    responses: { '200': schema, '201': schema, '401': undefined },
    consumes: patchMedia,
  });
}

/** The discovery path of a group-version (`GET /apis/apps/v1/` -> APIResourceList). */
export function resourceListPath(group: string, version: string): PathItem {
  return {
    path: `/${gvPath(group, version)}/`,
    params: [],
    operations: [
      {
        method: 'get',
        operationId: `get${gvWord(group, version)}APIResources`,
        description: 'get available resources',
        tag: gvTag(group, version),
        action: '',
        params: [],
        responses: { '200': `${metaV1}.APIResourceList`, '401': undefined },
        consumes: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
        produces: objectMedia,
      },
    ],
  };
}

/** Discovery documents: `/api/`, `/apis/`, `/apis/<group>/`, `/version/`. */
export function discoveryPaths(resources: readonly ResourceDefinition[]): Map<string, PathItem[]> {
  const out = new Map<string, PathItem[]>();
  const get = (path: string, operationId: string, description: string, tag: string, schema: string): PathItem => ({
    path,
    params: [],
    operations: [
      {
        method: 'get',
        operationId,
        description,
        tag,
        action: '',
        params: [],
        responses: { '200': schema, '401': undefined },
        consumes: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
        produces: objectMedia,
      },
    ],
  });
  out.set('api', [get('/api/', 'getCoreAPIVersions', 'get available API versions', 'core', `${metaV1}.APIVersions`)]);
  out.set('apis', [get('/apis/', 'getAPIVersions', 'get available API versions', 'apis', `${metaV1}.APIGroupList`)]);
  for (const group of new Set(resources.filter((r) => r.group).map((r) => r.group))) {
    const w = groupWord(group);
    const tag = `${w.charAt(0).toLowerCase()}${w.slice(1)}`;
    out.set(`apis/${group}`, [get(`/apis/${group}/`, `get${w}APIGroup`, 'get information of a group', tag, `${metaV1}.APIGroup`)]);
  }
  out.set('version', [get('/version/', 'getCodeVersion', 'get the code version', 'version', 'io.k8s.apimachinery.pkg.version.Info')]);
  return out;
}
