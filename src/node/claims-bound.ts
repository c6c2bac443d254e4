import type { KubeObject } from '../api/index.js';
import { Backoff, sleep, type ApiClient, type ResourceDescriptor } from '../client/index.js';

/**
 * Resolves once every persistentVolumeClaim the pod mounts is Bound, asking the API server for each
 * claim (a node may GET the claims of its pods, not watch them all) and asking again after 100 ms,
 * doubling to 500 ms, while one is not (kubelet's volume manager looks every 100 ms). Ends quietly when
 * `signal` aborts. Kubelet's volume manager waits like this before the pod's containers are created, so
 * a pod never runs before its volumes exist.
 */
export async function waitForBoundClaims(client: ApiClient, claims: ResourceDescriptor, pod: KubeObject, signal: AbortSignal): Promise<void> {
  const names = ((pod.spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  const backoff = new Backoff(100, 500);
  for (const name of names) {
    while (!signal.aborted) {
      let phase: string | undefined;
      try {
        const claim = await client.get(claims, name, { namespace: pod.metadata.namespace, signal });
        phase = (claim.status as { phase?: string } | undefined)?.phase;
      } catch {
        // Not there yet, or the server is busy: ask again after the back-off.
      }
      if (phase === 'Bound') break;
      await sleep(backoff.next(), signal);
    }
  }
}
