// The benchmark's pool: reviews as the API server sends them, and the same pods trimmed, decided alike.
import { describe, expect, it } from '@jest/globals';
import { testConfig } from '../test/helpers/pods.ts';
import { admitPod } from '../webhook/inject/admit.ts';
import { ID_PLACEHOLDER, variedReviews } from './pod-pool.ts';

type Json = Record<string, unknown>;

const SIZE = 64;
const apiServer = variedReviews(SIZE, 'api-server').map((b) => JSON.parse(b.replaceAll(ID_PLACEHOLDER, 'x00000001')) as { request: Json });
const trimmed = variedReviews(SIZE, 'trimmed').map((b) => JSON.parse(b.replaceAll(ID_PLACEHOLDER, 'x00000001')) as { request: Json });

function podOf(review: { request: Json }): { metadata: Json; spec: Json & { containers: Json[] } } {
  return review.request['object'] as { metadata: Json; spec: Json & { containers: Json[] } };
}

describe('variedReviews', () => {
  it("writes the API server's request fields and what it adds to the pod", () => {
    for (const review of apiServer) {
      const request = review.request;
      expect(request).toMatchObject({
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        requestKind: { group: '', version: 'v1', kind: 'Pod' },
        requestResource: { group: '', version: 'v1', resource: 'pods' },
        operation: 'CREATE',
        userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
        oldObject: null,
        dryRun: false,
        options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
      });
      const pod = podOf(review);
      expect(pod.metadata['creationTimestamp']).toBeNull();
      expect(pod.spec).toMatchObject({ terminationGracePeriodSeconds: 30, serviceAccount: pod.spec['serviceAccountName'] });
      expect((pod.spec['tolerations'] as Json[]).map((t) => t['key'])).toEqual([
        'node.kubernetes.io/not-ready',
        'node.kubernetes.io/unreachable',
      ]);
    }
  });

  it('lists in managedFields every annotation key and container the controller set, not the token volume', () => {
    for (const review of apiServer) {
      const pod = podOf(review);
      const [entry] = pod.metadata['managedFields'] as Json[];
      expect(entry).toMatchObject({ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1' });
      const fields = (entry as { fieldsV1: { 'f:metadata': Json; 'f:spec': Json } }).fieldsV1;
      const annotations = Object.keys(fields['f:metadata']['f:annotations'] as Json);
      expect(annotations).toEqual(['.', ...Object.keys(pod.metadata['annotations'] as Json).sort().map((k) => `f:${k}`)]);
      const containers = Object.keys(fields['f:spec']['f:containers'] as Json);
      expect(containers).toEqual(['.', ...pod.spec.containers.map((c) => `k:${JSON.stringify({ name: c['name'] })}`).sort()]);
      expect(fields['f:spec']).not.toHaveProperty('f:volumes');
      expect(fields['f:metadata']).not.toHaveProperty('.');
    }
  });

  it('holds the same pods in both shapes, and the webhook decides them alike', () => {
    const config = testConfig();
    for (let i = 0; i < SIZE; i++) {
      const full = podOf(apiServer[i] as { request: Json });
      const bare = podOf(trimmed[i] as { request: Json });
      expect(full.metadata['annotations']).toEqual(bare.metadata['annotations']);
      expect(full.spec.containers).toEqual(bare.spec.containers);
      // The same operations; their order follows the pod's key order, which the API server's differs in.
      const admit = (pod: unknown): unknown => {
        const result = admitPod({ object: pod, namespace: 'team', operation: 'CREATE' }, config);
        if (!result.allowed) return result.message;
        return result.patch.map((op) => JSON.stringify(op)).sort();
      };
      const patch = admit(full);
      expect(Array.isArray(patch) && patch.length > 0).toBe(true);
      expect(patch).toEqual(admit(bare));
    }
  });

  it('writes reviews about twice the size of the trimmed ones', () => {
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const full = median(variedReviews(SIZE, 'api-server').map((b) => b.length));
    const bare = median(variedReviews(SIZE, 'trimmed').map((b) => b.length));
    expect(full / bare).toBeGreaterThan(1.6);
    expect(full / bare).toBeLessThan(2.6);
  });
});
