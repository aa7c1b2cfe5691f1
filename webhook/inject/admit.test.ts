import { describe, expect, it } from '@jest/globals';
import { encodeAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { admit, loadPodFixture, podWith, testConfig } from '../../test/helpers/pods.ts';
import { EVERY_CAPABILITY } from '../../test/helpers/capabilities.ts';
import { admitPod, asksForInjection } from './admit.ts';

const VAULT_IMAGE = { AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' };
const SA_MOUNT = {
  name: 'kube-api-access-abcde',
  readOnly: true,
  mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
};
const ENV_HEAD = [
  { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  { name: 'VAULT_LOG_LEVEL', value: 'info' },
  { name: 'VAULT_LOG_FORMAT', value: 'standard' },
];
const RESOURCES = { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } };
const SECURITY = {
  capabilities: { drop: ['ALL'] },
  runAsUser: 100,
  runAsGroup: 1000,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
};
const SHELL_ARGS = [
  'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json',
];
const memory = (name: string) => ({ name, emptyDir: { medium: 'Memory' } });

function minimalConfig(exitAfterAuth: boolean, extra: Partial<AgentConfig> = {}): AgentConfig {
  return {
    auto_auth: {
      method: {
        type: 'kubernetes',
        mount_path: 'auth/kubernetes',
        config: { role: 'app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      },
      sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
    },
    exit_after_auth: exitAfterAuth,
    pid_file: '/home/vault/.pid',
    vault: { address: 'http://vault.vault.svc:8200' },
    template_config: { exit_on_retry_failure: true },
    ...extra,
  };
}

describe('admitPod: pods that are left alone', () => {
  it.each([
    ['not annotated', loadPodFixture('not-annotated-pod'), undefined, 'the pod does not ask for injection'],
    [
      'agent-inject false',
      podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject': 'false' }),
      undefined,
      'agent-inject is false',
    ],
    [
      'agent-inject empty',
      podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject': '' }),
      undefined,
      'agent-inject is false',
    ],
    [
      'already injected',
      podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject-status': 'injected' }),
      undefined,
      'the pod is already injected',
    ],
    [
      'running',
      { ...loadPodFixture('minimal-pod'), status: { phase: 'Running' } },
      undefined,
      'the pod is Running, not Pending',
    ],
    ['a DELETE', loadPodFixture('minimal-pod'), 'DELETE', 'operation DELETE is not mutated'],
  ])('allows %s without a patch', (_name, pod, operation, reason) => {
    const result = admitPod(
      { object: pod, namespace: 'default', ...(operation === undefined ? {} : { operation }) },
      testConfig(),
    );
    expect(result).toEqual({ allowed: true, patch: [], warnings: [], injection: 'none', reason });
  });

  it('lets pods without the annotation through in system namespaces', () => {
    expect(
      admitPod({ object: loadPodFixture('not-annotated-pod'), namespace: 'kube-system' }, testConfig()).allowed,
    ).toBe(true);
  });

  it('leaves its own output alone when the patched pod comes back', () => {
    const { pod } = admit(loadPodFixture('typical-annotated-pod'), testConfig(), 'default', EVERY_CAPABILITY);
    expect(admitPod({ object: pod, namespace: 'shop', operation: 'CREATE' }, testConfig())).toEqual({
      allowed: true,
      patch: [],
      warnings: [],
      injection: 'none',
      reason: 'the pod is already injected',
    });
  });

  it('ignores secrets whose path is blank', () => {
    const { initConfig } = admit(podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject-secret-blank': '  ' }));
    expect(initConfig).not.toHaveProperty('template');
  });

  it('injects again when the status is anything but "injected"', () => {
    const { result, pod } = admit(podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject-status': 'update' }));
    expect(result.allowed).toBe(true);
    expect(pod?.metadata?.annotations?.['vault.hashicorp.com/agent-inject-status']).toBe('injected');
  });
});

describe('admitPod: requests that are refused', () => {
  it.each([
    [
      'a weak bool that does not parse',
      { object: podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject': 'yes' }), namespace: 'default' },
      400,
      'vault agent injection failed: 1 problem with the pod\'s annotations: vault.hashicorp.com/agent-inject: "yes" is not a boolean (use true or false)',
    ],
    [
      'kube-system',
      { object: loadPodFixture('minimal-pod'), namespace: 'kube-system' },
      403,
      'cannot inject into system namespaces: kube-system',
    ],
    [
      'kube-public',
      { object: loadPodFixture('minimal-pod'), namespace: 'kube-public' },
      403,
      'cannot inject into system namespaces: kube-public',
    ],
    [
      'no namespace',
      { object: loadPodFixture('minimal-pod'), namespace: undefined },
      400,
      'the admission request has no namespace',
    ],
    ['null', { object: null, namespace: 'default' }, 400, 'the admitted object is not a JSON object'],
    ['an array', { object: [], namespace: 'default' }, 400, 'the admitted object is not a JSON object'],
    [
      'a Deployment',
      { object: { kind: 'Deployment', spec: {} }, namespace: 'default' },
      400,
      'the admitted object is a Deployment, not a Pod',
    ],
    ['no spec', { object: { kind: 'Pod', metadata: {} }, namespace: 'default' }, 400, 'the pod has no spec'],
    ['no containers', { object: { spec: { containers: [] } }, namespace: 'default' }, 400, 'the pod has no containers'],
    [
      'an unnamed container',
      { object: { spec: { containers: [{}] } }, namespace: 'default' },
      400,
      'spec.containers[0] has no name',
    ],
    [
      'a number annotation',
      { object: { metadata: { annotations: { a: 1 } }, spec: { containers: [{ name: 'a' }] } }, namespace: 'default' },
      400,
      'annotation "a" is not a string',
    ],
  ])('denies %s', (_name, input, code, message) => {
    expect(admitPod(input, testConfig())).toEqual({ allowed: false, code, message, warnings: [] });
  });

  it('lists every bad annotation in one denial, sorted by key', () => {
    const pod = podWith('minimal-pod', {
      'vault.hashicorp.com/agent-limits-cpu': '500mi',
      'vault.hashicorp.com/agent-requests-mem': '128mb',
      'vault.hashicorp.com/agent-pre-populate': 'yes',
      'vault.hashicorp.com/agent-run-as-user': 'root',
      'vault.hashicorp.com/auth-min-backoff': 'soon',
      'vault.hashicorp.com/template-lease-renewal-threshold': 'one-third',
      'vault.hashicorp.com/agent-inject-default-template': 'yaml',
      'vault.hashicorp.com/agent-json-patch': '{not json',
    });
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        "vault agent injection failed: 8 problems with the pod's annotations: " +
        [
          'vault.hashicorp.com/agent-inject-default-template: invalid default template type: must be "map" or "json"',
          'vault.hashicorp.com/agent-json-patch: not valid JSON (at position 1)',
          'vault.hashicorp.com/agent-limits-cpu: "500mi": unable to parse quantity\'s suffix',
          'vault.hashicorp.com/agent-pre-populate: "yes" is not a boolean (use true or false)',
          'vault.hashicorp.com/agent-requests-mem: "128mb": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
          'vault.hashicorp.com/agent-run-as-user: "root" is not an integer',
          'vault.hashicorp.com/auth-min-backoff: "soon" is not a duration (examples: 30s, 5m, 1h30m)',
          'vault.hashicorp.com/template-lease-renewal-threshold: "one-third" is not a number',
        ].join('; '),
    });
  });

  it('requires a role for kubernetes auth', () => {
    const pod = loadPodFixture('minimal-pod');
    delete pod.metadata?.annotations?.['vault.hashicorp.com/role'];
    expect(admitPod({ object: pod, namespace: 'default' }, testConfig())).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        "vault agent injection failed: 1 problem with the pod's annotations: vault.hashicorp.com/role: no Vault role found: set vault.hashicorp.com/role to the Kubernetes auth role to log in with",
    });
  });

  it('accepts auth-config-role instead of role', () => {
    const pod = loadPodFixture('minimal-pod');
    delete pod.metadata?.annotations?.['vault.hashicorp.com/role'];
    pod.metadata!.annotations!['vault.hashicorp.com/auth-config-role'] = 'other';
    const { initConfig } = admit(pod);
    expect((initConfig as AgentConfig).auto_auth?.method.config).toEqual({
      role: 'other',
      token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
  });

  it('denies when no container mounts a service-account token', () => {
    const pod = loadPodFixture('minimal-pod');
    pod.spec!.containers[0]!.volumeMounts = [];
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        'vault agent injection failed: 1 problem with the pod\'s annotations: vault.hashicorp.com/agent-service-account-token-volume-name: failed to find service account volume mount (no container mounts a path containing "serviceaccount")',
    });
  });
});

describe('admitPod: the whole patch for the minimal pod', () => {
  it('carries the patch as JSON text, exactly JSON.stringify(patch), for the response to reuse', () => {
    for (const fixture of ['minimal-pod', 'typical-annotated-pod']) {
      const { result } = admit(loadPodFixture(fixture), testConfig(VAULT_IMAGE));
      expect(result.allowed && result.patch.length > 0).toBe(true);
      expect(result.allowed && result.patchJson).toBe(result.allowed && JSON.stringify(result.patch));
    }
  });

  it('with a HashiCorp Vault image, emits exactly the containers vault-k8s makes', () => {
    const { result, pod } = admit(loadPodFixture('minimal-pod'), testConfig(VAULT_IMAGE));
    const mounts = [{ name: 'vault-secrets', mountPath: '/vault/secrets' }];
    const agent = (name: string, exitAfterAuth: boolean) => ({
      name,
      image: 'hashicorp/vault:2.0.4',
      command: ['/bin/sh', '-ec'],
      args: SHELL_ARGS,
      env: [...ENV_HEAD, { name: 'VAULT_CONFIG', value: encodeAgentConfig(minimalConfig(exitAfterAuth)) }],
      resources: RESOURCES,
    });
    expect(result).toEqual({
      allowed: true,
      warnings: [],
      injection: 'init_and_sidecar',
      reason: 'injected',
      patchJson: expect.any(String),
      patch: [
        { op: 'add', path: '/spec/volumes/1', value: memory('home-init') },
        { op: 'add', path: '/spec/volumes/2', value: memory('home-sidecar') },
        { op: 'add', path: '/spec/volumes/3', value: memory('vault-secrets') },
        { op: 'add', path: '/spec/containers/0/volumeMounts/1', value: mounts[0] },
        {
          op: 'add',
          path: '/spec/containers/1',
          value: {
            ...agent('vault-agent', false),
            volumeMounts: [SA_MOUNT, { name: 'home-sidecar', mountPath: '/home/vault' }, ...mounts],
            lifecycle: {},
            securityContext: SECURITY,
          },
        },
        {
          op: 'add',
          path: '/spec/initContainers',
          value: [
            {
              ...agent('vault-agent-init', true),
              volumeMounts: [{ name: 'home-init', mountPath: '/home/vault' }, SA_MOUNT, ...mounts],
              securityContext: SECURITY,
            },
          ],
        },
        { op: 'add', path: '/metadata/annotations/vault.hashicorp.com~1agent-inject-status', value: 'injected' },
      ],
    });
    expect(pod?.spec?.volumes?.map((v) => v.name)).toEqual([
      'kube-api-access-abcde',
      'home-init',
      'home-sidecar',
      'vault-secrets',
    ]);
  });

  it("with vaultlet's image, passes args only and shares an agent-state volume between the agents", () => {
    const { result, pod } = admit(loadPodFixture('minimal-pod'));
    const vaultlet = {
      state_dir: '/vault/agent-state',
      ready_file: '/vault/agent-state/ready',
      revoke_on_shutdown: false,
      destination_roots: ['/vault/secrets'],
    };
    const state = { name: 'vaultlet-agent-state', mountPath: '/vault/agent-state' };
    const secrets = { name: 'vault-secrets', mountPath: '/vault/secrets' };
    const agent = (name: string, exitAfterAuth: boolean) => ({
      name,
      image: 'ghcr.io/vaultlet/agent:0.1.0',
      args: ['agent'],
      env: [
        ...ENV_HEAD,
        { name: 'VAULT_CONFIG', value: encodeAgentConfig(minimalConfig(exitAfterAuth, { vaultlet })) },
      ],
      resources: RESOURCES,
    });
    expect(result).toEqual({
      allowed: true,
      warnings: [],
      injection: 'init_and_sidecar',
      reason: 'injected',
      patchJson: expect.any(String),
      patch: [
        { op: 'add', path: '/spec/volumes/1', value: memory('home-init') },
        { op: 'add', path: '/spec/volumes/2', value: memory('home-sidecar') },
        { op: 'add', path: '/spec/volumes/3', value: memory('vault-secrets') },
        { op: 'add', path: '/spec/volumes/4', value: memory('vaultlet-agent-state') },
        { op: 'add', path: '/spec/containers/0/volumeMounts/1', value: secrets },
        {
          op: 'add',
          path: '/spec/containers/1',
          value: {
            ...agent('vault-agent', false),
            volumeMounts: [SA_MOUNT, { name: 'home-sidecar', mountPath: '/home/vault' }, secrets, state],
            securityContext: SECURITY,
          },
        },
        {
          op: 'add',
          path: '/spec/initContainers',
          value: [
            {
              ...agent('vault-agent-init', true),
              volumeMounts: [{ name: 'home-init', mountPath: '/home/vault' }, SA_MOUNT, secrets, state],
              securityContext: SECURITY,
            },
          ],
        },
        { op: 'add', path: '/metadata/annotations/vault.hashicorp.com~1agent-inject-status', value: 'injected' },
      ],
    });
    // The agent-state volume never reaches an app container.
    expect(pod?.spec?.containers[0]?.volumeMounts).toEqual([SA_MOUNT, secrets]);
  });

  it('emits the minimal VAULT_CONFIG of vault-k8s byte for byte', () => {
    const { init, sidecar } = admit(loadPodFixture('minimal-pod'), testConfig(VAULT_IMAGE));
    const text = (c: typeof init) =>
      Buffer.from(c?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value ?? '', 'base64').toString();
    expect(text(init)).toBe(
      '{"auto_auth":{"method":{"type":"kubernetes","mount_path":"auth/kubernetes","config":{"role":"app","token_path":"/var/run/secrets/kubernetes.io/serviceaccount/token"}},"sink":[{"type":"file","config":{"path":"/home/vault/.vault-token"}}]},"exit_after_auth":true,"pid_file":"/home/vault/.pid","vault":{"address":"http://vault.vault.svc:8200"},"template_config":{"exit_on_retry_failure":true}}',
    );
    expect(text(sidecar)).toBe(text(init).replace('"exit_after_auth":true', '"exit_after_auth":false'));
  });
});

describe('admitPod: volumes and init containers', () => {
  it('keeps every injected volume when the pod had none (no clobbering add /spec/volumes)', () => {
    const { result, pod } = admit(loadPodFixture('pod-without-volumes'), testConfig(VAULT_IMAGE));
    expect(pod?.spec?.volumes).toEqual([memory('home-init'), memory('home-sidecar'), memory('vault-secrets')]);
    expect(result.allowed && result.patch.filter((op) => op.path.startsWith('/spec/volumes'))).toEqual([
      {
        op: 'add',
        path: '/spec/volumes',
        value: [memory('home-init'), memory('home-sidecar'), memory('vault-secrets')],
      },
    ]);
  });

  it('appends the init agent after existing init containers and mounts the secrets in all of them', () => {
    const { pod } = admit(loadPodFixture('pod-with-init-containers'), testConfig(VAULT_IMAGE));
    const secrets = { name: 'vault-secrets', mountPath: '/vault/secrets' };
    expect(pod?.spec?.initContainers?.map((c) => [c.name, c.volumeMounts])).toEqual([
      ['wait-for-db', [secrets]],
      ['migrate', [{ name: 'tmp', mountPath: '/tmp' }, secrets]],
      ['vault-agent-init', [{ name: 'home-init', mountPath: '/home/vault' }, SA_MOUNT, secrets]],
    ]);
  });

  it('puts the init agent first with agent-init-first', () => {
    const pod0 = podWith('pod-with-init-containers', { 'vault.hashicorp.com/agent-init-first': 'true' });
    const { pod, init } = admit(pod0, testConfig(VAULT_IMAGE));
    const secrets = { name: 'vault-secrets', mountPath: '/vault/secrets' };
    const [wait, migrate] = loadPodFixture('pod-with-init-containers').spec!.initContainers!;
    // The diff rewrites array slots in place; applied, it must give exactly these containers.
    expect(pod?.spec?.initContainers).toEqual([
      init,
      { ...wait, volumeMounts: [secrets] },
      { ...migrate, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, secrets] },
    ]);
    expect(init).toMatchObject({
      name: 'vault-agent-init',
      image: 'hashicorp/vault:2.0.4',
      volumeMounts: [{ name: 'home-init', mountPath: '/home/vault' }, SA_MOUNT, secrets],
    });
  });

  it('does not mount secrets into existing init containers without pre-populate', () => {
    const pod0 = podWith('pod-with-init-containers', { 'vault.hashicorp.com/agent-pre-populate': 'false' });
    const { pod, result } = admit(pod0, testConfig(VAULT_IMAGE));
    expect(result.allowed && result.injection).toBe('sidecar_only');
    expect(pod?.spec?.initContainers).toEqual(loadPodFixture('pod-with-init-containers').spec?.initContainers);
    expect(pod?.spec?.containers.map((c) => c.name)).toEqual(['app', 'vault-agent']);
  });

  it('adds only the init agent with agent-pre-populate-only', () => {
    const { pod, result } = admit(
      podWith('minimal-pod', { 'vault.hashicorp.com/agent-pre-populate-only': 'true' }),
      testConfig(VAULT_IMAGE),
    );
    expect(result.allowed && result.injection).toBe('init_only');
    expect(pod?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(pod?.spec?.initContainers?.map((c) => c.name)).toEqual(['vault-agent-init']);
    expect(pod?.spec?.volumes?.map((v) => v.name)).toEqual(['kube-api-access-abcde', 'home-init', 'vault-secrets']);
  });

  it('admits pre-populate-only with pre-populate false as vault-k8s does (no agent, the volumes), with a warning', () => {
    const pod = podWith('minimal-pod', {
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      'vault.hashicorp.com/agent-pre-populate': 'false',
    });
    const { pod: patched, result } = admit(pod, testConfig({ AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' }));
    expect(result).toMatchObject({
      allowed: true,
      injection: 'none',
      warnings: [
        'agent-pre-populate-only is true while agent-pre-populate is false: no agent container is added (as with vault-k8s), only the secret volumes',
      ],
    });
    expect(patched?.spec?.initContainers).toBeUndefined();
    expect(patched?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(patched?.spec?.volumes?.map((v) => v.name)).toEqual([
      ...(pod.spec?.volumes ?? []).map((v) => v.name),
      'vault-secrets',
    ]);
  });

  it('mounts only the containers named in agent-inject-containers, trimming spaces', () => {
    const pod0 = podWith('typical-annotated-pod', { 'vault.hashicorp.com/agent-inject-containers': ' metrics , nope' });
    // The typical pod enables the cache: this test is about mounts, not about what the agent implements.
    const { pod, result } = admit(pod0, testConfig(), 'default', EVERY_CAPABILITY);
    expect(pod?.spec?.containers.map((c) => [c.name, c.volumeMounts?.map((m) => m.name)])).toEqual([
      ['orders', ['tmp', 'kube-api-access-x7k2p']],
      ['metrics', ['kube-api-access-x7k2p', 'vault-secrets']],
      [
        'vault-agent',
        ['kube-api-access-x7k2p', 'home-sidecar', 'vault-secrets', 'vault-agent-cache', 'vaultlet-agent-state'],
      ],
    ]);
    expect(result.warnings).toEqual(['agent-inject-containers names "nope", which is not a container of this pod']);
  });

  it('denies when the pod already uses a volume name the agent needs', () => {
    const pod = loadPodFixture('minimal-pod');
    pod.spec!.volumes!.push({ name: 'vault-secrets', emptyDir: {} });
    expect(admitPod({ object: pod, namespace: 'default' }, testConfig())).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        'vault agent injection failed: 1 problem with the pod\'s annotations: vault.hashicorp.com/agent-inject: the pod already has a volume named "vault-secrets", which the agent needs',
    });
  });
});

describe('admitPod: native sidecar', () => {
  it('makes one restartable init container with a startup probe on the ready file (vaultlet image)', () => {
    const { pod, result, initConfig } = admit(
      podWith('pod-with-init-containers', { 'vault.hashicorp.com/agent-native-sidecar': 'true' }),
    );
    expect(result.allowed && result.injection).toBe('init_and_sidecar');
    expect(pod?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    const [agent, ...rest] = pod?.spec?.initContainers ?? [];
    expect(rest.map((c) => c.name)).toEqual(['wait-for-db', 'migrate']);
    expect(agent).toEqual({
      name: 'vault-agent',
      image: 'ghcr.io/vaultlet/agent:0.1.0',
      args: ['agent'],
      env: [...ENV_HEAD, { name: 'VAULT_CONFIG', value: expect.any(String) }],
      resources: RESOURCES,
      volumeMounts: [
        { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
        { name: 'home-sidecar', mountPath: '/home/vault' },
        { name: 'vault-secrets', mountPath: '/vault/secrets' },
        { name: 'vaultlet-agent-state', mountPath: '/vault/agent-state' },
      ],
      securityContext: SECURITY,
      restartPolicy: 'Always',
      startupProbe: {
        exec: { command: ['vaultlet', 'ready', '-file=/vault/agent-state/ready'] },
        periodSeconds: 1,
        failureThreshold: 300,
      },
    });
    expect((initConfig as AgentConfig).exit_after_auth).toBe(false);
    expect(pod?.spec?.volumes?.map((v) => v.name)).toEqual([
      'tmp',
      'kube-api-access-abcde',
      'home-sidecar',
      'vault-secrets',
      'vaultlet-agent-state',
    ]);
  });

  it('probes for every rendered file with a HashiCorp image', () => {
    const pod0 = podWith('typical-annotated-pod', { 'vault.hashicorp.com/agent-native-sidecar': 'true' });
    const { pod } = admit(pod0, testConfig(VAULT_IMAGE));
    expect(pod?.spec?.initContainers?.[0]?.startupProbe).toEqual({
      exec: {
        command: [
          '/bin/sh',
          '-c',
          "test -e '/vault/secrets/api-key' && test -e '/vault/secrets/config.env' && test -e '/vault/secrets/db'",
        ],
      },
      periodSeconds: 1,
      failureThreshold: 300,
    });
  });

  it('is the webhook-wide default with AGENT_INJECT_NATIVE_SIDECAR, except for pre-populate-only pods', () => {
    const config = testConfig({ AGENT_INJECT_NATIVE_SIDECAR: 'true' });
    expect(
      admit(loadPodFixture('minimal-pod'), config).pod?.spec?.initContainers?.map((c) => [c.name, c.restartPolicy]),
    ).toEqual([['vault-agent', 'Always']]);
    const job = admit(podWith('minimal-pod', { 'vault.hashicorp.com/agent-pre-populate-only': 'true' }), config);
    expect(job.pod?.spec?.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([
      ['vault-agent-init', undefined],
    ]);
  });

  it('denies an explicit native sidecar together with pre-populate-only', () => {
    const pod = podWith('minimal-pod', {
      'vault.hashicorp.com/agent-native-sidecar': 'true',
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
    });
    expect(admitPod({ object: pod, namespace: 'default' }, testConfig())).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message:
        "vault agent injection failed: 1 problem with the pod's annotations: vault.hashicorp.com/agent-native-sidecar: cannot be combined with agent-pre-populate-only: a native sidecar keeps running; for an init-only agent drop agent-native-sidecar",
    });
  });
});

describe('admitPod: warnings', () => {
  it('warns about unknown and misspelled keys with a suggestion, and still injects', () => {
    const pod = podWith('minimal-pod', {
      'vault.hashicorp.com/agent-inject-secrets-db': 'database/creds/db',
      'vault.hashicorp.com/agent-pre-popluate': 'false',
      'vault.hashicorp.com/rolee': 'x',
      'vault.hashicorp.com/completely-unrelated-thing': 'x',
      'vaultlet.io/template-engin': 'go',
      'example.com/other': 'not ours',
    });
    const { result } = admit(pod);
    expect(result.warnings).toEqual([
      'unknown annotation "vault.hashicorp.com/agent-inject-secrets-db" is ignored; did you mean "vault.hashicorp.com/agent-inject-secret-db"?',
      'unknown annotation "vault.hashicorp.com/agent-pre-popluate" is ignored; did you mean "vault.hashicorp.com/agent-pre-populate"?',
      'unknown annotation "vault.hashicorp.com/completely-unrelated-thing" is ignored',
      'unknown annotation "vault.hashicorp.com/rolee" is ignored; did you mean "vault.hashicorp.com/role"?',
      'unknown annotation "vaultlet.io/template-engin" is ignored; did you mean "vaultlet.io/template-engine"?',
    ]);
    expect(result.allowed).toBe(true);
  });

  it('warns about per-secret annotations that name no secret', () => {
    const { result } = admit(podWith('minimal-pod', { 'vault.hashicorp.com/agent-inject-file-db': 'db.txt' }));
    expect(result.warnings).toEqual([
      'annotation "vault.hashicorp.com/agent-inject-file-db" refers to no declared secret "db" (add agent-inject-secret-db)',
    ]);
  });

  it('warns when two secrets write the same file', () => {
    const { result } = admit(
      podWith('minimal-pod', {
        'vault.hashicorp.com/agent-inject-secret-DB': 'a',
        'vault.hashicorp.com/agent-inject-secret-db': 'b',
      }),
    );
    expect(result.warnings).toEqual(['secrets "DB" and "db" both write /vault/secrets/db; the last render wins']);
  });

  it('returns the warnings with a denial too', () => {
    const pod = podWith('minimal-pod', {
      'vault.hashicorp.com/rolee': 'x',
      'vault.hashicorp.com/agent-limits-cpu': 'lots',
    });
    const result = admitPod({ object: pod, namespace: 'default' }, testConfig());
    expect(result.allowed === false && result.warnings).toEqual([
      'unknown annotation "vault.hashicorp.com/rolee" is ignored; did you mean "vault.hashicorp.com/role"?',
    ]);
  });
});

describe('asksForInjection: which inputs admitPod has work for', () => {
  const annotated = { metadata: { annotations: { 'vault.hashicorp.com/agent-inject': 'false' } } };
  it.each([
    [
      'a CREATE of a pod with the agent-inject annotation (any value)',
      { object: annotated, namespace: 'team', operation: 'CREATE' },
      true,
    ],
    ['an UPDATE of that pod', { object: annotated, namespace: 'team', operation: 'UPDATE' }, false],
    [
      'a pod without the annotation',
      { object: { metadata: { annotations: { other: 'x' } } }, namespace: 'team', operation: 'CREATE' },
      false,
    ],
    ['a pod without annotations', { object: { metadata: {} }, namespace: 'team', operation: 'CREATE' }, false],
    ['no metadata', { object: { kind: 'Pod' }, namespace: 'team', operation: 'CREATE' }, false],
    ['not an object', { object: 'Pod', namespace: 'team', operation: 'CREATE' }, false],
    ['null', { object: null, namespace: 'team', operation: 'CREATE' }, false],
    [
      'an inherited key only',
      {
        object: { metadata: { annotations: Object.create({ 'vault.hashicorp.com/agent-inject': 'true' }) as object } },
        namespace: 'team',
        operation: 'CREATE',
      },
      false,
    ],
  ])('%s → %s', (_name, input, expected) => {
    expect(asksForInjection(input)).toBe(expected);
  });

  it('is false only where admitPod decides without injecting', () => {
    const plain = {
      object: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'x' }] } },
      namespace: 'team',
      operation: 'CREATE',
    };
    expect(asksForInjection(plain)).toBe(false);
    expect(admitPod(plain, testConfig())).toEqual({
      allowed: true,
      patch: [],
      warnings: [],
      injection: 'none',
      reason: 'the pod does not ask for injection',
    });
  });
});
