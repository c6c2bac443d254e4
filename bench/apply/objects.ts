import type { KubeObject } from '../../src/api/object.js';
import type { ResourceDefinition } from '../../src/api/resource.js';
import { pod } from '../../src/api/resources/core/pod.js';
import { deployment } from '../../src/api/resources/apps/deployment.js';
import { event } from '../../src/api/resources/core/event.js';
import { configMap } from '../../src/api/resources/core/config-map.js';

/**
 * The objects the apply benchmark writes, shaped like what a cluster's controllers and nodes send:
 * a pod a ReplicaSet creates (defaults filled by the pod strategy), the node's first and a later
 * status write for it, a Deployment status write, an Event and a ConfigMap with 50 keys.
 */

const T0 = '2026-01-01T00:00:00Z';

function defaulted(def: ResourceDefinition, obj: KubeObject): KubeObject {
  def.strategy.default?.(obj);
  return obj;
}

export function replicaSetPod(i = 0): KubeObject {
  return defaulted(pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-7d9c5b8f6c-${(100000 + i).toString(36)}`,
      generateName: 'web-7d9c5b8f6c-',
      namespace: 'shop',
      uid: `6f1c2a44-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: T0,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9c5b8f6c' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c5b8f6c', uid: '0b7e9c1d-1111-4222-8333-444455556666', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.27.3',
          args: ['--listen=:8080', '--metrics=:9102'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
          ],
          env: [
            { name: 'ENVIRONMENT', value: 'production' },
            { name: 'CACHE_URL', value: 'redis://cache.shop.svc.cluster.local:6379' },
            { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      volumes: [
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
    },
  });
}

/**
 * The pod once scheduled, as pods/binding stores it: nodeName and the PodScheduled condition, written
 * without managedFields tracking, so the entries are a fresh parse of the stored ones.
 */
export function bound(p: KubeObject): KubeObject {
  const next = JSON.parse(JSON.stringify(p)) as KubeObject;
  (next.spec as Record<string, unknown>).nodeName = 'node-0042';
  next.status = { conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' }] };
  return next;
}

/** The node's first status write: conditions, container statuses, IPs, start time. */
export function firstPodStatus(p: KubeObject): KubeObject {
  const next = JSON.parse(JSON.stringify(p)) as KubeObject;
  const cond = (type: string, status = 'True') => ({ type, status, lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:02Z' });
  next.status = {
    ...(next.status as Record<string, unknown>),
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    hostIP: '10.0.0.42',
    hostIPs: [{ ip: '10.0.0.42' }],
    podIP: '10.244.42.17',
    podIPs: [{ ip: '10.244.42.17' }],
    startTime: '2026-01-01T00:00:01Z',
    qosClass: 'Burstable',
    containerStatuses: [
      {
        name: 'web',
        state: { running: { startedAt: '2026-01-01T00:00:02Z' } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: 'registry.example.com/shop/web:1.27.3',
        imageID: 'registry.example.com/shop/web@sha256:3f1a9c0e5b7d2a4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        containerID: 'containerd://8c2f4e6a8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a',
        started: true,
      },
    ],
  };
  return next;
}

/** A later, small status write: one container restarted and went unready. */
export function secondPodStatus(p: KubeObject): KubeObject {
  const next = JSON.parse(JSON.stringify(p)) as KubeObject;
  const status = next.status as { conditions: Array<{ type: string; status: string; lastTransitionTime: string }>; containerStatuses: Array<Record<string, unknown>> };
  for (const c of status.conditions) if (c.type === 'Ready' || c.type === 'ContainersReady') Object.assign(c, { status: 'False', lastTransitionTime: '2026-01-01T00:10:00Z' });
  Object.assign(status.containerStatuses[0], { ready: false, restartCount: 1, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-01-01T00:00:02Z', finishedAt: '2026-01-01T00:09:59Z' } } });
  return next;
}

export function deploymentObject(): KubeObject {
  return defaulted(deployment, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: '9a8b7c6d-0000-4000-8000-000000000001', creationTimestamp: T0, generation: 3, labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'frontend' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/shop/web:1.27.3',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '256Mi' } },
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T0, lastTransitionTime: T0, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T0, lastTransitionTime: T0, reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d9c5b8f6c" has successfully progressed.' },
      ],
    },
  });
}

/** The Deployment controller's status write after a rollout step. */
export function deploymentStatusUpdate(d: KubeObject): KubeObject {
  const next = JSON.parse(JSON.stringify(d)) as KubeObject;
  const status = next.status as Record<string, unknown> & { conditions: Array<Record<string, unknown>> };
  Object.assign(status, { observedGeneration: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 });
  Object.assign(status.conditions[1], { lastUpdateTime: '2026-01-01T00:10:00Z', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-5f6d7c8b9a" is progressing.' });
  return next;
}

export function eventObject(i = 0): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `web-7d9c5b8f6c-abcde.17f3a${i}`, namespace: 'shop', uid: `e0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, creationTimestamp: T0 },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d9c5b8f6c-abcde', uid: '6f1c2a44-0000-4000-8000-000000000000', apiVersion: 'v1', resourceVersion: '1234', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Container image "registry.example.com/shop/web:1.27.3" already present on machine',
    source: { component: 'kubelet', host: 'node-0042' },
    firstTimestamp: T0,
    lastTimestamp: T0,
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-0042',
  };
}

export function configMapObject(keys = 50): KubeObject {
  const data: Record<string, string> = {};
  for (let i = 0; i < keys; i++) data[`setting-${String(i).padStart(2, '0')}.properties`] = `value ${i} `.repeat(4);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shop-settings', namespace: 'shop', uid: 'c0000000-0000-4000-8000-000000000001', creationTimestamp: T0, labels: { app: 'web' } },
    data,
  };
}

export const definitions = { pod, deployment, event, configMap };
