import { describe, expect, it } from '@jest/globals';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { admit, loadPodFixture, podWith, testConfig } from '../../test/helpers/pods.ts';
import { admitPod } from './admit.ts';

const VAULT_IMAGE = { AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' };
const P = 'vault.hashicorp.com/';
const annotate = (a: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [P + k, v]));
const FIELD_ENV = [
  { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
];
const withoutConfig = (c: Container | undefined) => c?.env?.filter((e) => e.name !== 'VAULT_CONFIG');
const SECURITY = (runAsUser: number, runAsGroup: number, runAsNonRoot: boolean) => ({
  capabilities: { drop: ['ALL'] },
  runAsUser,
  runAsGroup,
  runAsNonRoot,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
});

describe('agent containers: env', () => {
  it('orders every optional variable as vault-k8s does', () => {
    const { init, sidecar } = admit(
      podWith(
        'minimal-pod',
        annotate({
          'go-max-procs': '2',
          'client-timeout': '30s',
          'client-max-retries': '3',
          'log-level': 'debug',
          'log-format': 'json',
          'proxy-address': 'http://proxy:3128',
        }),
      ),
      testConfig({ AGENT_INJECT_VAULT_CACERT_BYTES: Buffer.from('PEM').toString('base64') }),
    );
    const expected = [
      ...FIELD_ENV,
      { name: 'GOMAXPROCS', value: '2' },
      { name: 'VAULT_CLIENT_TIMEOUT', value: '30s' },
      { name: 'VAULT_MAX_RETRIES', value: '3' },
      { name: 'VAULT_LOG_LEVEL', value: 'debug' },
      { name: 'VAULT_LOG_FORMAT', value: 'json' },
      { name: 'HTTPS_PROXY', value: 'http://proxy:3128' },
      { name: 'VAULT_CACERT_BYTES', value: 'PEM' },
    ];
    expect(withoutConfig(init)).toEqual(expected);
    expect(withoutConfig(sidecar)).toEqual(expected);
    expect(init?.env?.map((e) => e.name).indexOf('VAULT_CONFIG')).toBe(9);
  });

  it('omits the log variables when their annotations are empty', () => {
    const { init } = admit(podWith('minimal-pod', annotate({ 'log-level': '', 'log-format': '' })));
    expect(withoutConfig(init)).toEqual(FIELD_ENV);
  });

  it('copies the IRSA variables and mount with auth type aws, sorted, without a duplicate AWS_REGION', () => {
    const pod = podWith('minimal-pod', annotate({ 'auth-type': 'aws', 'auth-config-region': 'eu-west-1' }));
    const app = pod.spec!.containers[0]!;
    app.env = [
      { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::1:role/app' },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'AWS_DEFAULT_REGION', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ];
    // The IRSA mount comes first: the real service-account mount is still the one used for auth.
    app.volumeMounts = [
      { name: 'aws-iam-token', readOnly: true, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' },
      ...app.volumeMounts!,
    ];
    // aws auth: the HashiCorp agent image (vaultlet's own agent lists its auth methods in shared/agent-capabilities.ts).
    const { init, result } = admit(pod, testConfig({ AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' }));
    expect(result.allowed).toBe(true);
    expect(withoutConfig(init)?.slice(5)).toEqual([
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::1:role/app' },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
    ]);
    expect(init?.volumeMounts?.slice(0, 3)).toEqual([
      { name: 'home-init', mountPath: '/home/vault' },
      { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      { name: 'aws-iam-token', readOnly: true, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' },
    ]);
  });
});

describe('agent containers: resources and security context', () => {
  it.each([
    [{}, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } }],
    [
      {
        'agent-limits-cpu': '1000m',
        'agent-limits-mem': '1024Mi',
        'agent-requests-cpu': '0.5',
        'agent-requests-mem': '128M',
        'agent-limits-ephemeral': '1Gi',
        'agent-requests-ephemeral': '500Mi',
      },
      {
        limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Gi' },
        requests: { cpu: '500m', memory: '128M', 'ephemeral-storage': '500Mi' },
      },
    ],
    [{ 'agent-limits-cpu': '', 'agent-limits-mem': '' }, { requests: { cpu: '250m', memory: '64Mi' } }],
    [{ 'agent-limits-cpu': '', 'agent-limits-mem': '', 'agent-requests-cpu': '', 'agent-requests-mem': '' }, {}],
  ])('resources for %j', (annotations, resources) => {
    const { init, sidecar } = admit(podWith('minimal-pod', annotate(annotations)));
    expect(init?.resources).toEqual(resources);
    expect(sidecar?.resources).toEqual(resources);
  });

  it.each([
    ['the defaults', {}, {}, SECURITY(100, 1000, true)],
    ['root user', { 'agent-run-as-user': '0' }, {}, SECURITY(0, 1000, false)],
    ['root group', { 'agent-run-as-group': '0' }, {}, SECURITY(100, 0, false)],
    [
      'webhook defaults',
      {},
      { AGENT_INJECT_RUN_AS_USER: '2000', AGENT_INJECT_RUN_AS_GROUP: '3000' },
      SECURITY(2000, 3000, true),
    ],
    ['the same user as the first container', { 'agent-run-as-same-user': 'true' }, {}, SECURITY(1234, 1000, true)],
    ['no security context', { 'agent-set-security-context': 'false' }, {}, undefined],
    ['the webhook default off', {}, { AGENT_INJECT_SET_SECURITY_CONTEXT: 'false' }, undefined],
    [
      'the webhook default off, forced back on by run-as-user',
      { 'agent-run-as-user': '7' },
      { AGENT_INJECT_SET_SECURITY_CONTEXT: 'false' },
      SECURITY(7, 1000, true),
    ],
  ])('securityContext with %s', (_name, annotations, env, expected) => {
    const pod = podWith('minimal-pod', annotate(annotations));
    pod.spec!.containers[0]!.securityContext = { runAsUser: 1234 };
    const { init, sidecar } = admit(pod, testConfig(env));
    expect(init?.securityContext).toEqual(expected);
    expect(sidecar?.securityContext).toEqual(expected);
  });

  it.each([
    [undefined, "RunAsUser is nil for Container 0's SecurityContext", {}],
    [0, 'container not allowed to run as root', { runAsUser: 0 }],
    [undefined, 'No SecurityContext found for Container 0', undefined],
  ])('denies run-as-same-user when the first container has %s', (_u, message, securityContext) => {
    const pod = podWith('minimal-pod', annotate({ 'agent-run-as-same-user': 'true' }));
    if (securityContext === undefined) delete pod.spec!.containers[0]!.securityContext;
    else pod.spec!.containers[0]!.securityContext = securityContext;
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message: `vault agent injection failed: 1 problem with the pod's annotations: vault.hashicorp.com/agent-run-as-same-user: ${message}`,
    });
  });
});

describe('agent containers: lifecycle, volumes and modes', () => {
  it('adds the revoke preStop hook to the HashiCorp sidecar only', () => {
    const { init, sidecar } = admit(
      podWith(
        'minimal-pod',
        annotate({ 'agent-revoke-on-shutdown': 'true', 'agent-revoke-grace': '10', 'ca-cert': '/vault/tls/ca.crt' }),
      ),
      testConfig(VAULT_IMAGE),
    );
    expect(sidecar?.lifecycle).toEqual({
      preStop: {
        exec: {
          command: [
            '/bin/sh',
            '-c',
            '/bin/sleep 10 && /bin/vault token revoke -address=http://vault.vault.svc:8200 -ca-cert=/vault/tls/ca.crt -self',
          ],
        },
      },
    });
    expect(init?.lifecycle).toBeUndefined();
  });

  it('mounts the extra secret, TLS secret and copied mounts in the agents only', () => {
    const pod = podWith(
      'typical-annotated-pod',
      annotate({ 'agent-extra-secret': 'extra', 'tls-secret': 'vault-tls', 'agent-copy-volume-mounts': 'orders' }),
    );
    const { pod: out, init, sidecar } = admit(pod, testConfig(VAULT_IMAGE));
    expect(init?.volumeMounts).toEqual([
      { name: 'home-init', mountPath: '/home/vault' },
      { name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      { name: 'vault-secrets', mountPath: '/vault/secrets' },
      { name: 'extra-secrets', readOnly: true, mountPath: '/vault/custom' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'vault-tls-secrets', readOnly: true, mountPath: '/vault/tls' },
      { name: 'vault-agent-cache', mountPath: '/vault/agent-cache' },
    ]);
    expect(sidecar?.volumeMounts?.slice(0, 2)).toEqual([
      { name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      { name: 'home-sidecar', mountPath: '/home/vault' },
    ]);
    expect(out?.spec?.volumes?.slice(2)).toEqual([
      { name: 'home-init', emptyDir: { medium: 'Memory' } },
      { name: 'home-sidecar', emptyDir: { medium: 'Memory' } },
      { name: 'vault-secrets', emptyDir: { medium: 'Memory' } },
      { name: 'extra-secrets', secret: { secretName: 'extra' } },
      { name: 'vault-tls-secrets', secret: { secretName: 'vault-tls' } },
      { name: 'vault-agent-cache', emptyDir: { medium: 'Memory' } },
    ]);
    expect(out?.spec?.containers[0]?.volumeMounts?.map((m) => m.name)).toEqual([
      'tmp',
      'kube-api-access-x7k2p',
      'vault-secrets',
    ]);
  });

  it('gives each distinct custom secret path its own volume, in path order', () => {
    const { pod, initConfig } = admit(
      podWith(
        'minimal-pod',
        annotate({
          'agent-inject-secret-a': 'kv/a',
          'secret-volume-path-a': '/zz',
          'agent-inject-secret-b': 'kv/b',
          'secret-volume-path-b': '/aa',
          'agent-inject-secret-c': 'kv/c',
          'secret-volume-path-c': '/zz',
        }),
      ),
    );
    expect(initConfig).toMatchObject({ vaultlet: { destination_roots: ['/vault/secrets', '/aa', '/zz'] } });
    expect(pod?.spec?.containers[0]?.volumeMounts?.slice(1)).toEqual([
      { name: 'vault-secrets', mountPath: '/vault/secrets' },
      { name: 'vault-secrets-custom-0', mountPath: '/aa' },
      { name: 'vault-secrets-custom-1', mountPath: '/zz' },
    ]);
  });

  it('runs from the ConfigMap in ConfigMap mode, with connection env instead of VAULT_CONFIG', () => {
    const pod = podWith(
      'minimal-pod',
      annotate({ 'agent-configmap': 'agent-cfg', 'ca-cert': '/vault/tls/ca.crt', 'tls-server-name': 'vault' }),
    );
    delete pod.metadata!.annotations![`${P}role`];
    const hashi = admit(pod, testConfig(VAULT_IMAGE));
    expect([hashi.init?.command, hashi.init?.args, hashi.sidecar?.args]).toEqual([
      ['/bin/sh', '-ec'],
      ['touch /home/vault/.vault-token && vault agent -config=/vault/configs/config-init.hcl'],
      ['touch /home/vault/.vault-token && vault agent -config=/vault/configs/config.hcl'],
    ]);
    expect(hashi.init?.env?.slice(5)).toEqual([
      { name: 'VAULT_ADDR', value: 'http://vault.vault.svc:8200' },
      { name: 'VAULT_CACERT', value: '/vault/tls/ca.crt' },
      { name: 'VAULT_SKIP_VERIFY', value: 'false' },
      { name: 'VAULT_TLS_SERVER_NAME', value: 'vault' },
    ]);
    expect(hashi.init?.volumeMounts?.at(-1)).toEqual({
      name: 'vault-config',
      readOnly: true,
      mountPath: '/vault/configs',
    });
    const own = admit(pod);
    expect([own.init?.command, own.init?.args, own.sidecar?.args]).toEqual([
      undefined,
      ['agent', '-config=/vault/configs/config-init.hcl'],
      ['agent', '-config=/vault/configs/config.hcl'],
    ]);
  });

  it('uses a projected service-account token volume', () => {
    const pod: Pod = podWith('minimal-pod', annotate({ 'agent-service-account-token-volume-name': 'vault-token' }));
    pod.spec!.volumes!.push({
      name: 'vault-token',
      projected: { sources: [{ serviceAccountToken: { path: 'vault', audience: 'vault', expirationSeconds: 600 } }] },
    });
    const { init, initConfig } = admit(pod);
    expect(init?.volumeMounts?.[1]).toEqual({
      name: 'vault-token',
      readOnly: true,
      mountPath: '/var/run/secrets/vault.hashicorp.com/serviceaccount',
    });
    expect(initConfig).toMatchObject({
      auto_auth: {
        method: { config: { role: 'app', token_path: '/var/run/secrets/vault.hashicorp.com/serviceaccount/vault' } },
      },
    });
  });

  it('uses the mount path of a projected token volume that a container mounts', () => {
    const pod: Pod = podWith('minimal-pod', annotate({ 'agent-service-account-token-volume-name': 'vault-token' }));
    pod.spec!.volumes!.push({
      name: 'vault-token',
      projected: { sources: [{ configMap: { name: 'x' } }, { serviceAccountToken: { path: 'jwt' } }] },
    });
    pod.spec!.containers[0]!.volumeMounts!.push({ name: 'vault-token', mountPath: '/var/run/vault' });
    const { sidecar, sidecarConfig } = admit(pod);
    expect(sidecar?.volumeMounts?.[0]).toEqual({ name: 'vault-token', readOnly: true, mountPath: '/var/run/vault' });
    expect(sidecarConfig).toMatchObject({ auto_auth: { method: { config: { token_path: '/var/run/vault/jwt' } } } });
  });

  it.each([
    ['missing', undefined, 'failed to find service account volume "vault-token" in the pod\'s volumes'],
    [
      'not projected',
      { name: 'vault-token', emptyDir: {} },
      'failed to find tokenPath for projected volume "vault-token"',
    ],
  ])('denies a projected token volume that is %s', (_n, volume, message) => {
    const pod: Pod = podWith('minimal-pod', annotate({ 'agent-service-account-token-volume-name': 'vault-token' }));
    if (volume !== undefined) pod.spec!.volumes!.push(volume);
    expect(admitPod({ object: pod, namespace: 'default' }, testConfig())).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message: `vault agent injection failed: 1 problem with the pod's annotations: vault.hashicorp.com/agent-service-account-token-volume-name: ${message}`,
    });
  });

  it.each([
    ['true', undefined, true],
    ['false', undefined, false],
    ['true', true, true],
  ])('sets shareProcessNamespace from %s (pod had %s), with or without pre-populate', (value, podValue, expected) => {
    for (const prePopulate of ['true', 'false']) {
      const pod = podWith(
        'minimal-pod',
        annotate({ 'agent-share-process-namespace': value, 'agent-pre-populate': prePopulate }),
      );
      if (podValue !== undefined) pod.spec!.shareProcessNamespace = podValue;
      expect(admit(pod).pod?.spec?.shareProcessNamespace).toBe(expected);
    }
  });

  it('leaves shareProcessNamespace alone without the annotation, and denies true over an explicit false', () => {
    expect(admit(loadPodFixture('minimal-pod')).pod?.spec).not.toHaveProperty('shareProcessNamespace');
    const pod = podWith('minimal-pod', annotate({ 'agent-share-process-namespace': 'true' }));
    pod.spec!.shareProcessNamespace = false;
    expect(admitPod({ object: pod, namespace: 'default' }, testConfig())).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        "vault agent injection failed: 1 problem with the pod's annotations: vault.hashicorp.com/agent-share-process-namespace: is true but the pod spec sets shareProcessNamespace: false",
    });
  });
});

describe('agent containers: JSON patch annotations', () => {
  it('patches each container relative to itself; unknown fields are dropped and the pod is untouched', () => {
    const pod = podWith(
      'minimal-pod',
      annotate({
        'agent-json-patch': JSON.stringify([
          { op: 'replace', path: '/securityContext/runAsUser', value: 4242 },
          { op: 'add', path: '/env/-', value: { name: 'EXTRA', value: '1' } },
          { op: 'add', path: '/spec', value: { hostNetwork: true } },
        ]),
        'agent-init-json-patch': JSON.stringify([{ op: 'add', path: '/imagePullPolicy', value: 'Always' }]),
      }),
    );
    const { init, sidecar, pod: out } = admit(pod);
    expect(sidecar?.securityContext?.runAsUser).toBe(4242);
    expect(sidecar?.env?.at(-1)).toEqual({ name: 'EXTRA', value: '1' });
    expect(sidecar).not.toHaveProperty('spec');
    expect(out?.spec).not.toHaveProperty('hostNetwork');
    expect(init?.imagePullPolicy).toBe('Always');
    expect(init?.securityContext?.runAsUser).toBe(100);
  });

  it.each([
    ['null', 'null', true],
    ['an empty list', '[]', true],
  ])('treats %s as no patch', (_n, value) => {
    expect(admit(podWith('minimal-pod', annotate({ 'agent-json-patch': value }))).result.allowed).toBe(true);
  });

  it('denies patches that do not apply or are not patches, naming each key, never echoing the container', () => {
    const pod = podWith(
      'minimal-pod',
      annotate({
        'agent-json-patch': JSON.stringify([{ op: 'remove', path: '/nope/deeper' }]),
        'agent-init-json-patch': JSON.stringify([{ op: 'invalid', path: '/name' }]),
      }),
    );
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        "vault agent injection failed: 2 problems with the pod's annotations: " +
        'vault.hashicorp.com/agent-init-json-patch: operation 0 must be an object with "op" (add, remove, replace, move, copy, test) and a "path" starting with "/"; ' +
        'vault.hashicorp.com/agent-json-patch: failed to apply JSON patch: operation 0: Cannot perform the operation at a path that does not exist',
    });
  });

  it('refuses prototype-polluting patch paths', () => {
    const pod = podWith(
      'minimal-pod',
      annotate({ 'agent-json-patch': JSON.stringify([{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]) }),
    );
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result.allowed).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
