import { describe, expect, it } from '@jest/globals';
import { Pod as PodModel } from 'kubernetes-models/v1';
import { EVERY_CAPABILITY } from '../../test/helpers/capabilities.ts';
import { restrictedViolations } from '../../test/helpers/pod-security.ts';
import { admit, loadPodFixture, podWith, testConfig } from '../../test/helpers/pods.ts';

const P = 'vault.hashicorp.com/';
const VAULT_IMAGE = testConfig({ AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' });
const EVERYTHING = {
  [`${P}agent-inject-secret-db`]: 'database/creds/db',
  [`${P}agent-inject-template-cfg`]: '{{ with secret "kv/cfg" }}{{ .Data.data.x }}{{ end }}',
  [`${P}secret-volume-path-cfg`]: '/etc/app',
  [`${P}agent-inject-token`]: 'true',
  [`${P}agent-cache-enable`]: 'true',
  [`${P}agent-extra-secret`]: 'extra',
  [`${P}tls-secret`]: 'vault-tls',
  [`${P}agent-copy-volume-mounts`]: 'app',
  [`${P}agent-revoke-on-shutdown`]: 'true',
  [`${P}agent-share-process-namespace`]: 'true',
  [`${P}agent-limits-ephemeral`]: '1Gi',
  [`${P}agent-json-patch`]: '[{"op":"add","path":"/env/-","value":{"name":"X","value":"1"}}]',
};

describe('patched pods are valid Kubernetes Pods', () => {
  it.each([
    ['the minimal pod, vaultlet image', loadPodFixture('minimal-pod'), testConfig()],
    ['the minimal pod, HashiCorp image', loadPodFixture('minimal-pod'), VAULT_IMAGE],
    ['the typical pod', loadPodFixture('typical-annotated-pod'), testConfig()],
    ['a pod without volumes', loadPodFixture('pod-without-volumes'), VAULT_IMAGE],
    [
      'a pod with init containers, init first',
      podWith('pod-with-init-containers', { [`${P}agent-init-first`]: 'true' }),
      VAULT_IMAGE,
    ],
    ['a native sidecar', podWith('pod-with-init-containers', { [`${P}agent-native-sidecar`]: 'true' }), testConfig()],
    ['ConfigMap mode', podWith('minimal-pod', { [`${P}agent-configmap`]: 'cfg' }), VAULT_IMAGE],
    ['every option, vaultlet image', podWith('minimal-pod', EVERYTHING), testConfig()],
    ['every option, HashiCorp image', podWith('minimal-pod', EVERYTHING), VAULT_IMAGE],
  ])('%s', (_name, pod, config) => {
    // Independent of what vaultlet's agent implements today (the typical pod enables the cache).
    const out = admit(pod, config, 'default', EVERY_CAPABILITY);
    expect(out.result).toMatchObject({ allowed: true });
    expect(() => new PodModel(out.pod as ConstructorParameters<typeof PodModel>[0]).validate()).not.toThrow();
    // What the schema cannot see but the API server rejects: duplicate names, duplicate mount
    // paths, and mounts of volumes that do not exist.
    const spec = out.pod!.spec!;
    // (The volume-less fixture mounts a volume it does not define, as vault-k8s's own tests do.)
    const alreadyDangling = new Set(
      pod
        .spec!.containers.flatMap((c) => c.volumeMounts ?? [])
        .map((m) => m.name)
        .filter((n) => !(pod.spec!.volumes ?? []).some((v) => v.name === n)),
    );
    // Pod Security "restricted": the injected containers pass it (the app's own are its owner's).
    for (const agent of [...spec.containers, ...(spec.initContainers ?? [])].filter((c) =>
      c.name.startsWith('vault-agent'),
    ))
      expect(restrictedViolations(out.pod!, agent.name)).toEqual([]);
    const volumes = (spec.volumes ?? []).map((v) => v.name);
    const containers = [...spec.containers, ...(spec.initContainers ?? [])];
    expect(new Set(volumes).size).toBe(volumes.length);
    expect(new Set(containers.map((c) => c.name)).size).toBe(containers.length);
    for (const c of containers) {
      const mounts = c.volumeMounts ?? [];
      expect(new Set(mounts.map((m) => m.mountPath)).size).toBe(mounts.length);
      expect(mounts.filter((m) => !volumes.includes(m.name) && !alreadyDangling.has(m.name))).toEqual([]);
    }
  });
});
