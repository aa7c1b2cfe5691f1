// Admission safety: one test per finding of a hostile-input probe of the webhook (a single pod
// must not hold up every review, nor make its files land in another volume), and the other side of
// the line (what vault-k8s admits is admitted, with a warning). Timings are CPU time (the machine's
// other work does not count), the best of three runs, each on a fresh variant of the input so no
// remembered parse helps, against one review's budget.
import { describe, expect, it } from '@jest/globals';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { restrictedViolations } from '../../test/helpers/pod-security.ts';
import { admit, podWith, testConfig } from '../../test/helpers/pods.ts';
import {
  MAX_ANNOTATIONS_CHARS,
  MAX_CONTAINER_PATCH_OPERATIONS,
  MAX_GO_TEMPLATE_TOKENS,
  MAX_HANDLEBARS_DEPTH,
  MAX_HANDLEBARS_TOKENS,
  MAX_PATCH_BYTES,
  MAX_PATCH_WORK,
  MAX_SECRETS,
} from '../annotations/limits.ts';
import { admitPod, type AdmitResult } from './admit.ts';

const P = 'vault.hashicorp.com/';
const config = testConfig();
const VAULT_IMAGE = testConfig({ AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' });
/** One review's CPU budget. */
const BUDGET_MS = 50;

const run = (annotations: Record<string, string>, c = config): AdmitResult =>
  admitPod({ object: podWith('minimal-pod', annotations), namespace: 'default' }, c);

/** The best of three reviews of `make(0..2)` (distinct variants), with the last result. */
function timed(make: (variant: number) => Record<string, string>): { ms: number; result: AdmitResult } {
  let ms = Infinity;
  let result: AdmitResult | undefined;
  for (let v = 0; v < 3; v++) {
    const pod = podWith('minimal-pod', make(v));
    const t0 = process.cpuUsage();
    result = admitPod({ object: pod, namespace: 'default' }, config);
    const used = process.cpuUsage(t0);
    ms = Math.min(ms, (used.user + used.system) / 1000);
  }
  return { ms, result: result! };
}

const deniedFor = (r: AdmitResult): string[] =>
  r.allowed
    ? []
    : r.message
        .replace(/^[^:]*: \d+ problems? with the pod's annotations: /, '')
        .split('; ')
        .map((line) => line.slice(0, line.indexOf(': ')));

const messageOf = (r: AdmitResult): string => (r.allowed ? '' : r.message);

describe('one annotation cannot block admission', () => {
  it('a 100 KB secret-volume-path of trailing slashes is denied within the budget', () => {
    const { ms, result } = timed((v) => ({ [`${P}secret-volume-path`]: `/a${'/'.repeat(100_000 + v)}` }));
    expect(deniedFor(result)).toEqual([`${P}secret-volume-path`]);
    expect(messageOf(result)).toContain('must be at most 1024 characters');
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('a 100 KB template of spaces before a trim marker is parsed within the budget', () => {
    const { ms, result } = timed((v) => ({
      [`${P}agent-inject-template-x`]: `${' '.repeat(100_000 + v)}a{{- .x }}`,
    }));
    expect(result.allowed).toBe(true);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('a 250 KB agent-image of colons is read within the budget', () => {
    const { ms, result } = timed((v) => ({ [`${P}agent-image`]: `a${':'.repeat(250_000 + v)}a/` }));
    expect(result.allowed).toBe(true);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('8,000 nested Handlebars blocks are denied before Handlebars parses them', () => {
    const { ms, result } = timed((v) => ({
      'vaultlet.io/template-engine': 'handlebars',
      [`${P}agent-inject-template-x`]: `${'{{#if a}}'.repeat(8000 + v)}x${'{{/if}}'.repeat(8000 + v)}`,
    }));
    expect(messageOf(result)).toContain(
      `${P}agent-inject-template-x: Handlebars blocks nest deeper than ${MAX_HANDLEBARS_DEPTH}`,
    );
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('Handlebars templates past the token budget are denied naming the cap, unparsed', () => {
    const { ms, result } = timed((v) => ({
      'vaultlet.io/template-engine': 'handlebars',
      [`${P}agent-inject-template-x`]: `{{a ${'b '.repeat(100_000 + v)}}}`,
    }));
    expect(messageOf(result)).toContain(
      `${P}agent-inject-template-x: the pod's templates hold more than ${MAX_HANDLEBARS_TOKENS} Handlebars tokens together`,
    );
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('Go templates past the token budget are denied naming the cap, the budget shared by all templates', () => {
    const { ms, result } = timed((v) => ({
      [`${P}agent-inject-template-a`]: '{{ .x }}'.repeat(MAX_GO_TEMPLATE_TOKENS / 16 + v),
      [`${P}agent-inject-template-b`]: '{{ .x }}'.repeat(MAX_GO_TEMPLATE_TOKENS / 16),
      [`${P}agent-inject-template-c`]: '{{ .x }}'.repeat(20_000),
    }));
    // a and b fit (at most five tokens an action), c is past the pod's budget.
    expect(deniedFor(result)).toEqual([`${P}agent-inject-template-c`]);
    expect(messageOf(result)).toContain(`more than ${MAX_GO_TEMPLATE_TOKENS} Go-template tokens together`);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('a review with 47,000 secret annotations (2.9 MiB) is refused before any of them is read', () => {
    const { ms, result } = timed((v) =>
      Object.fromEntries(
        Array.from({ length: 47_000 + v }, (_, i) => [`${P}agent-inject-secret-s${i}`, 'kv/data/x/y/z/1234567890']),
      ),
    );
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message: `metadata.annotations are larger than ${MAX_ANNOTATIONS_CHARS} bytes together, the most Kubernetes allows`,
    });
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it(`more than ${MAX_SECRETS} secrets are denied naming the cap, with a small response`, () => {
    const { ms, result } = timed((v) =>
      Object.fromEntries(Array.from({ length: 3000 + v }, (_, i) => [`${P}agent-inject-secret-s${i}`, 'kv/x'])),
    );
    // The last variant has 3,002 secrets.
    expect(messageOf(result)).toContain(
      `${P}agent-inject-secret-*: the pod declares 3002 secrets, more than the ${MAX_SECRETS} secrets (and templates) one pod may have`,
    );
    expect(JSON.stringify(result).length).toBeLessThan(16 * 1024);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('a JSON patch that doubles the container with each copy is stopped, naming the patch', () => {
    const { ms, result } = timed((v) => ({
      [`${P}agent-json-patch`]: JSON.stringify([
        { op: 'add', path: '/args', value: [v] },
        ...Array.from({ length: 22 }, () => ({ op: 'copy', from: '/args', path: '/args/-' })),
      ]),
    }));
    expect(deniedFor(result)).toEqual([`${P}agent-json-patch`]);
    expect(messageOf(result)).toContain(`the patch copies, moves or tests more than ${MAX_PATCH_WORK} values`);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it(`a JSON patch of more than ${MAX_CONTAINER_PATCH_OPERATIONS} operations is denied before it is applied`, () => {
    const { ms, result } = timed((v) => ({
      [`${P}agent-init-json-patch`]: JSON.stringify(
        Array.from({ length: 4000 + v }, () => ({ op: 'move', from: '/env/0', path: '/env/1' })),
      ),
    }));
    expect(messageOf(result)).toContain(
      `${P}agent-init-json-patch: has 4002 operations, more than the ${MAX_CONTAINER_PATCH_OPERATIONS} one patch may have`,
    );
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('a long agent-inject-containers list costs no more than its length, however many containers', () => {
    const pod = (v: number, list: boolean): Pod => {
      const p = podWith('minimal-pod', {
        ...(list
          ? { [`${P}agent-inject-containers`]: Array.from({ length: 30_000 }, (_, i) => `n${i}`).join(',') }
          : {}),
        [`${P}agent-inject-secret-x`]: `kv/x${v}`,
      });
      const app = p.spec!.containers[0]!;
      p.spec!.containers = Array.from({ length: 3000 }, (_, i) => ({ ...app, name: `c${i}` }));
      return p;
    };
    const cpu = (list: boolean): number => {
      let best = Infinity;
      for (let v = 0; v < 3; v++) {
        const object = pod(v, list);
        const t0 = process.cpuUsage();
        admitPod({ object, namespace: 'default' }, config);
        const used = process.cpuUsage(t0);
        best = Math.min(best, (used.user + used.system) / 1000);
      }
      return best;
    };
    // 30,000 names against 3,000 containers: their product would be 90 million comparisons.
    const withList = admitPod({ object: pod(9, true), namespace: 'default' }, config);
    expect(withList.allowed && withList.warnings.length).toBe(30);
    expect(cpu(true) - cpu(false)).toBeLessThan(25);
  });

  it('a patch larger than the cap is denied naming it (control characters grow sixfold in JSON)', () => {
    const result = run({ [`${P}agent-inject-template-x`]: '\u0001'.repeat(200_000) });
    expect(deniedFor(result)).toEqual([`${P}agent-inject`]);
    expect(messageOf(result)).toContain(`more than the ${MAX_PATCH_BYTES} bytes the webhook returns for one pod`);
  });

  it('keeps the admitted response in proportion to the annotations (256 secrets)', () => {
    const result = run(
      Object.fromEntries(Array.from({ length: MAX_SECRETS }, (_, i) => [`${P}agent-inject-secret-s${i}`, 'kv/x'])),
    );
    expect(result.allowed).toBe(true);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_PATCH_BYTES);
  });
});

describe('worst-case reviews stay within the budget', () => {
  const fill = (unit: string, chars: number): string => unit.repeat(Math.floor(chars / unit.length));
  it.each([
    ['dense Go actions', (v: number) => ({ [`${P}agent-inject-template-x`]: fill('{{ .x }}', 200_000 + v * 8) })],
    [
      'one long Go pipeline',
      (v: number) => ({ [`${P}agent-inject-template-x`]: `{{ ${fill('.x | ', 200_000 + v * 5)}.y }}` }),
    ],
    [
      'one long Go identifier',
      (v: number) => ({ [`${P}agent-inject-template-x`]: `{{ ${'a'.repeat(200_000 + v)} }}` }),
    ],
    [
      'many small Go templates',
      (v: number) =>
        Object.fromEntries(
          Array.from({ length: MAX_SECRETS }, (_, i) => [`${P}agent-inject-template-s${i}`, fill(`{{ .x${v} }}`, 900)]),
        ),
    ],
    [
      'dense Handlebars mustaches',
      (v: number) => ({
        'vaultlet.io/template-engine': 'handlebars',
        [`${P}agent-inject-template-x`]: fill(`{{a${v}}}`, 200_000),
      }),
    ],
    [
      'Handlebars comments',
      (v: number) => ({
        'vaultlet.io/template-engine': 'handlebars',
        [`${P}agent-inject-template-x`]: fill(`{{!-- ${v} --}}`, 200_000),
      }),
    ],
    [
      'Handlebars blocks at the depth cap',
      (v: number) => ({
        'vaultlet.io/template-engine': 'handlebars',
        [`${P}agent-inject-template-x`]:
          `${'{{#if a}}'.repeat(MAX_HANDLEBARS_DEPTH)}${v}${'{{/if}}'.repeat(MAX_HANDLEBARS_DEPTH)}`.repeat(8),
      }),
    ],
    [
      'long delimiters',
      (v: number) => ({
        [`${P}agent-inject-template-x`]: `b${'a'.repeat(200_000 + v)}`,
        [`${P}agent-template-left-delim-x`]: `${'a'.repeat(31)}b`,
      }),
    ],
    [
      '100,000 unrelated annotations',
      (v: number) => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i + v}`, ''])),
    ],
    [
      '5,000 misspelled keys',
      (v: number) =>
        Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${P}agent-injct-secret-${v}-${i}`, 'x'])),
    ],
  ])('%s', (_name, make) => {
    const { ms } = timed(make);
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});

describe('rendered files cannot land in another volume', () => {
  it.each([
    ['/home', '/home/vault'],
    ['/vault', '/vault/agent-state'],
    ['/var/run/secrets', '/var/run/secrets/kubernetes.io/serviceaccount'],
  ])('denies secret-volume-path %s, which contains %s', (path, mount) => {
    const result = run({
      [`${P}secret-volume-path`]: path,
      [`${P}agent-inject-secret-x`]: 'kv/x',
      [`${P}agent-inject-file-x`]: 'vault/.vault-token',
    });
    expect(messageOf(result)).toContain(
      `${P}secret-volume-path: must not contain ${mount}, which the agent mounts for itself`,
    );
  });

  it('denies a per-secret path over the agent home and one inside the token mount', () => {
    const result = run({
      [`${P}agent-inject-secret-x`]: 'kv/x',
      [`${P}secret-volume-path-x`]: '/home',
      [`${P}agent-inject-secret-y`]: 'kv/y',
      [`${P}secret-volume-path-y`]: '/var/run/secrets/kubernetes.io/serviceaccount/sub',
    });
    expect(deniedFor(result)).toEqual([`${P}secret-volume-path-x`, `${P}secret-volume-path-y`]);
  });

  it('denies the same paths with a HashiCorp image, where the result is just as unsafe', () => {
    expect(deniedFor(run({ [`${P}secret-volume-path`]: '/home' }, VAULT_IMAGE))).toEqual([`${P}secret-volume-path`]);
  });

  it('judges by the mounts the pod really has: /vault is free with a HashiCorp image until /vault/tls is mounted', () => {
    expect(run({ [`${P}secret-volume-path`]: '/vault' }, VAULT_IMAGE).allowed).toBe(true);
    expect(messageOf(run({ [`${P}secret-volume-path`]: '/vault', [`${P}tls-secret`]: 'tls' }, VAULT_IMAGE))).toContain(
      `${P}secret-volume-path: must not contain /vault/tls, which the agent mounts for itself`,
    );
  });

  it('admits secret volume paths beside the agent mounts', () => {
    for (const path of ['/etc/secrets', '/vault/secrets2', '/homework', '/var/run/secrets-app'])
      expect(run({ [`${P}secret-volume-path`]: path, [`${P}agent-inject-secret-x`]: 'kv/x' }).allowed).toBe(true);
  });

  it.each([
    ['/', 'the volume root'],
    ['sub/', 'a directory'],
    ['a\u0000b', 'a NUL byte'],
    ['a\nb', 'a line break'],
    ['a\u001bb', 'an escape'],
  ])('denies the file %j (%s), naming the key', (file) => {
    const result = run({ [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}agent-inject-file-x`]: file });
    expect(deniedFor(result)).toEqual([`${P}agent-inject-file-x`]);
  });

  it('denies a file that is the mount point of another secret volume', () => {
    const result = run({
      [`${P}agent-inject-secret-x`]: 'kv/x',
      [`${P}agent-inject-file-x`]: 'sub',
      [`${P}agent-inject-secret-y`]: 'kv/y',
      [`${P}secret-volume-path-y`]: '/vault/secrets/sub',
    });
    expect(messageOf(result)).toContain(
      `${P}agent-inject-file-x: would write the file at /vault/secrets/sub, where a secret volume is mounted`,
    );
  });

  it('denies a template file path with a control character', () => {
    const result = run({ [`${P}agent-inject-template-file-x`]: '/etc/t\u0000' });
    expect(deniedFor(result)).toEqual([`${P}agent-inject-template-file-x`]);
  });
});

describe('no two containers with one name', () => {
  const rename = (name: string): string => JSON.stringify([{ op: 'replace', path: '/name', value: name }]);

  it('denies agent-json-patch renaming the sidecar to the app container name', () => {
    const result = run({ [`${P}agent-json-patch`]: rename('app') });
    expect(messageOf(result)).toBe(
      `vault agent injection failed: 1 problem with the pod's annotations: ${P}agent-json-patch: gives an agent container the name "app", which another container of the pod has`,
    );
  });

  it('denies agent-init-json-patch renaming the init container to the sidecar name', () => {
    const result = run({ [`${P}agent-init-json-patch`]: rename('vault-agent') });
    expect(deniedFor(result)).toEqual([`${P}agent-init-json-patch`]);
  });

  it('admits a rename to a free name', () => {
    expect(run({ [`${P}agent-json-patch`]: rename('vault-agent-2') }).allowed).toBe(true);
  });
});

describe('what vault-k8s admits is admitted, with a warning naming the key', () => {
  it('a wrong-typed telemetry value: the whole stanza is left out, as vault-k8s does', () => {
    const out = admit(
      podWith('minimal-pod', {
        [`${P}agent-telemetry-prometheus_retention_time`]: '30',
        [`${P}agent-telemetry-disable_hostname`]: 'true',
      }),
      VAULT_IMAGE,
    );
    expect(out.result.allowed).toBe(true);
    expect(out.result.warnings).toEqual([
      `annotation "${P}agent-telemetry-prometheus_retention_time" must be a string (a value that is not valid JSON, such as 24h); the whole telemetry stanza is left out, as vault-k8s does`,
    ]);
    expect(out.sidecarConfig).not.toHaveProperty('telemetry');
  });

  it('a JSON patch for a container that is not created', () => {
    const patch = JSON.stringify([{ op: 'add', path: '/env/-', value: { name: 'X', value: '1' } }]);
    const initOnly = run({ [`${P}agent-pre-populate-only`]: 'true', [`${P}agent-json-patch`]: patch });
    expect(initOnly.allowed && initOnly.warnings).toEqual([
      'agent-json-patch is ignored: agent-pre-populate-only is true, so there is no sidecar',
    ]);
    const sidecarOnly = run({ [`${P}agent-pre-populate`]: 'false', [`${P}agent-init-json-patch`]: patch });
    expect(sidecarOnly.allowed && sidecarOnly.warnings).toEqual([
      'agent-init-json-patch is ignored: agent-pre-populate is false, so there is no init container',
    ]);
    // Only checked to be a JSON array, as vault-k8s does: its operations are never applied.
    const oddOps = run({ [`${P}agent-pre-populate-only`]: 'true', [`${P}agent-json-patch`]: '[{"op":"frobnicate"}]' });
    expect(oddOps.allowed).toBe(true);
    // Still syntax-checked, as vault-k8s does.
    expect(deniedFor(run({ [`${P}agent-pre-populate-only`]: 'true', [`${P}agent-json-patch`]: '[{' }))).toEqual([
      `${P}agent-json-patch`,
    ]);
  });

  it('perms that are not an octal mode, passed through as written', () => {
    const out = admit(
      podWith('minimal-pod', { [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}agent-inject-perms-x`]: 'rw-------' }),
      VAULT_IMAGE,
    );
    expect(out.result.warnings).toEqual([
      `annotation "${P}agent-inject-perms-x" is not an octal file mode such as 0600 or 0440; it is passed to the agent as written, which may refuse it`,
    ]);
    expect(JSON.stringify(out.initConfig)).toContain('"perms":"rw-------"');
  });

  it('a listener port that is not a port, used as written', () => {
    const out = admit(
      podWith('minimal-pod', { [`${P}agent-cache-enable`]: 'true', [`${P}agent-cache-listener-port`]: '70000' }),
      VAULT_IMAGE,
    );
    expect(out.result.warnings).toEqual([
      `annotation "${P}agent-cache-listener-port" is not a port number (1-65535); the agent's listener will not start`,
    ]);
    expect(JSON.stringify(out.sidecarConfig)).toContain('"address":"127.0.0.1:70000"');
  });

  it('a Vault address that is not a URL', () => {
    const out = admit(podWith('minimal-pod', { [`${P}service`]: 'vault address' }), VAULT_IMAGE);
    expect(out.result.warnings).toEqual([
      `annotation "${P}service" is not a URL such as https://vault.vault.svc:8200; the agent will not reach Vault`,
    ]);
  });
});

describe('injected containers pass Pod Security "restricted"', () => {
  it.each([
    ['vaultlet image', config, ['vault-agent-init', 'vault-agent']],
    ['HashiCorp image', VAULT_IMAGE, ['vault-agent-init', 'vault-agent']],
  ])('%s', (_name, c, names) => {
    const { pod } = admit(
      podWith('minimal-pod', { [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}agent-extra-secret`]: 'extra' }),
      c,
    );
    for (const name of names) expect(restrictedViolations(pod!, name)).toEqual([]);
  });

  it('the checker sees a container without the profile', () => {
    const { pod } = admit(podWith('minimal-pod', {}), config);
    const stripped = structuredClone(pod!);
    delete stripped.spec!.initContainers![0]!.securityContext!.seccompProfile;
    expect(restrictedViolations(stripped, 'vault-agent-init')).toEqual(['seccompProfile']);
  });
});

describe('denials never quote a JSON patch', () => {
  it('an unparseable patch is reported by position, without the text V8 quotes', () => {
    const sentinel = 'SENTINEL-c0ffee-do-not-log';
    for (const patch of [
      `[{"op": ${sentinel}}]`,
      `[{"op":"add","path":"/env/-","value":"${sentinel}"`,
      `${sentinel}`,
    ]) {
      const result = run({ [`${P}agent-json-patch`]: patch });
      expect(deniedFor(result)).toEqual([`${P}agent-json-patch`]);
      expect(JSON.stringify(result)).not.toContain('SENTINEL');
    }
  });
});
