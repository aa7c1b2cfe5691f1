import { describe, expect, it } from '@jest/globals';
import { admitServiceAccount, SA_MOUNT_PATH, SA_VOLUME_NAME } from './service-account-admission.ts';
import { previewManifests } from './preview.ts';
import { admitPod } from '../inject/admit.ts';
import { loadWebhookConfig } from '../config.ts';

const TOKEN_VOLUME = {
  name: SA_VOLUME_NAME,
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  },
};
const TOKEN_MOUNT = { name: SA_VOLUME_NAME, mountPath: SA_MOUNT_PATH, readOnly: true };

describe('admitServiceAccount', () => {
  it('mounts the token in every container and names the default service account, as the API server does', () => {
    const pod = {
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'i' }],
        containers: [{ name: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    };
    expect(admitServiceAccount(pod)).toEqual({
      metadata: { name: 'p' },
      spec: {
        serviceAccountName: 'default',
        initContainers: [{ name: 'i', volumeMounts: [TOKEN_MOUNT] }],
        containers: [{ name: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }, TOKEN_MOUNT] }],
        volumes: [{ name: 'data', emptyDir: {} }, TOKEN_VOLUME],
      },
    });
    expect(pod.spec.containers[0]?.volumeMounts).toHaveLength(1);
  });

  it.each([
    ['automount is off', { spec: { automountServiceAccountToken: false, containers: [{ name: 'a' }] } }],
    [
      'the token is already mounted',
      { spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'x', mountPath: SA_MOUNT_PATH }] }] } },
    ],
    ['there are no containers', { spec: {} }],
    ['there is no spec', { metadata: {} }],
  ])('changes nothing when %s', (_why, pod) => {
    expect(admitServiceAccount(pod)).toBeUndefined();
  });

  it('keeps the named service account', () => {
    expect(
      admitServiceAccount({ spec: { serviceAccountName: 'app', containers: [{ name: 'a' }] } })?.['spec'],
    ).toMatchObject({ serviceAccountName: 'app' });
  });
});

describe('preview with the real webhook decision', () => {
  const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { vault.hashicorp.com/agent-inject: "true", vault.hashicorp.com/role: web, vault.hashicorp.com/agent-inject-secret-db: database/creds/web }
    spec:
      containers: [{ name: web, image: nginx }]
`;
  const config = loadWebhookConfig({ AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' }, []);
  const admit = (input: Parameters<typeof admitPod>[0]) => admitPod(input, config);

  it('injects a Deployment written as people write it (no token mount in the manifest)', () => {
    const result = previewManifests(manifest, { admit, patchOnly: false });
    expect(result.denied).toBe(0);
    expect(result.injected).toBe(1);
    expect(result.messages).toEqual([
      {
        level: 'note',
        object: 'Deployment/web',
        text: 'added the service-account token volume the API server mounts before webhooks run',
      },
    ]);
    expect(result.output).toContain('name: vault-agent-init');
    expect(result.output).toContain(`mountPath: ${SA_MOUNT_PATH}`);
  });

  it('without the step, the same Deployment is denied for want of a token mount, as in a cluster without the plugin', () => {
    const result = previewManifests(manifest, { admit, patchOnly: false, serviceAccountAdmission: false });
    expect(result.denied).toBe(1);
    expect(result.messages.map((m) => m.level)).toEqual(['denied']);
  });
});
