/**
 * A realistic small Pod, about 1 KB of JSON: what a Deployment's ReplicaSet would create, with one container
 * that has requests and limits, a probe, environment and a toleration.
 */
export function podManifest(name: string, namespace: string, group: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9c5b8f6c', 'bench-group': group },
      annotations: { 'kubectl.kubernetes.io/default-container': 'web', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.27.3',
          args: ['--listen=:8080', '--metrics=:9102', '--log-format=json'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
          ],
          env: [
            { name: 'ENVIRONMENT', value: 'production' },
            { name: 'CACHE_URL', value: 'redis://cache.shop.svc.cluster.local:6379' },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
  });
}
