import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { VAULT_KEYS, VAULT_PER_NAME_PREFIXES } from '../annotations/keys.ts';
import { loadPodFixture, podWith, testConfig } from '../../test/helpers/pods.ts';
import { admitPod, type AdmitResult } from './admit.ts';

const P = 'vault.hashicorp.com/';
const config = testConfig();
const run = (annotations: Record<string, string>, env: Record<string, string> = {}): AdmitResult =>
  admitPod(
    { object: podWith('minimal-pod', annotations), namespace: 'default' },
    Object.keys(env).length > 0 ? testConfig(env) : config,
  );
const denial = (...lines: string[]): AdmitResult => ({
  allowed: false,
  code: 400,
  warnings: [],
  message: `vault agent injection failed: ${lines.length} problem${lines.length === 1 ? '' : 's'} with the pod's annotations: ${lines.join('; ')}`,
});

describe('hostile annotations', () => {
  it.each([
    [
      'a file that climbs out of its volume',
      { [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}agent-inject-file-x`]: '../../etc/passwd' },
      `${P}agent-inject-file-x: the file must be a file inside /vault/secrets (no ".." that leaves it, not the directory itself, no trailing "/")`,
    ],
    [
      'a file that is the volume itself',
      { [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}agent-inject-file-x`]: '.' },
      `${P}agent-inject-file-x: the file must be a file inside /vault/secrets (no ".." that leaves it, not the directory itself, no trailing "/")`,
    ],
    [
      'a secret volume path with ..',
      { [`${P}secret-volume-path`]: '/vault/../etc' },
      `${P}secret-volume-path: "/vault/../etc" must not contain "." or ".." segments`,
    ],
    [
      'a relative secret volume path',
      { [`${P}secret-volume-path`]: 'secrets' },
      `${P}secret-volume-path: "secrets" must be an absolute path`,
    ],
    [
      'a secret volume path over the agent home',
      { [`${P}secret-volume-path`]: '/home/vault/x' },
      `${P}secret-volume-path: must not be inside /home/vault, which the agent uses itself`,
    ],
    [
      'a per-secret path with ..',
      { [`${P}agent-inject-secret-x`]: 'kv/x', [`${P}secret-volume-path-x`]: '/a/../../b' },
      `${P}secret-volume-path-x: "/a/../../b" must not contain "." or ".." segments`,
    ],
    [
      'a secret name of dots',
      { [`${P}agent-inject-secret-..`]: 'kv/x' },
      `${P}agent-inject-secret-..: the secret name must be 1-63 letters, digits, "-", "_" or ".", starting with a letter or digit`,
    ],
    [
      'a __proto__ auth config key',
      { [`${P}auth-config-__proto__`]: '{"polluted":true}' },
      `${P}auth-config-__proto__: the config key must be letters, digits, "-", "_" or "."`,
    ],
    [
      'a reload URL off the pod',
      { [`${P}agent-inject-secret-x`]: 'kv/x', 'vaultlet.io/agent-inject-reload-url-x': 'http://10.0.0.1/reload' },
      'vaultlet.io/agent-inject-reload-url-x: must be an http URL on the pod loopback (127.0.0.1, localhost or [::1]), without credentials',
    ],
    [
      'a reload URL with https',
      { [`${P}agent-inject-secret-x`]: 'kv/x', 'vaultlet.io/agent-inject-reload-url-x': 'https://127.0.0.1/reload' },
      'vaultlet.io/agent-inject-reload-url-x: must be an http URL on the pod loopback (127.0.0.1, localhost or [::1]), without credentials',
    ],
    [
      'a reload URL that is not a URL',
      { [`${P}agent-inject-secret-x`]: 'kv/x', 'vaultlet.io/agent-inject-reload-url-x': 'reload please' },
      'vaultlet.io/agent-inject-reload-url-x: must be a URL such as http://127.0.0.1:8080/-/reload',
    ],
    [
      'an unknown template engine',
      { 'vaultlet.io/template-engine': 'jinja' },
      'vaultlet.io/template-engine: must be "go" or "handlebars"',
    ],
    [
      'a Go template syntax error',
      { [`${P}agent-inject-template-x`]: 'ok\n{{ with secret "kv/x" }}{{ .Data.password }' },
      `${P}agent-inject-template-x: template syntax error at line 2, column 43: unrecognized character in action: U+007D`,
    ],
    [
      'a Go template calling an unknown function',
      { [`${P}agent-inject-template-x`]: '{{ secrett "kv/x" }}' },
      `${P}agent-inject-template-x: template syntax error at line 1, column 4: function "secrett" not defined`,
    ],
    [
      'a Handlebars syntax error',
      { [`${P}agent-inject-template-x`]: '{{#each items}}{{this}}', 'vaultlet.io/template-engine': 'handlebars' },
      `${P}agent-inject-template-x: Handlebars syntax error at line 1: Expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK', got 'EOF'`,
    ],
  ])('denies %s, naming the key', (_name, annotations, line) => {
    expect(run(annotations)).toEqual(denial(line));
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('denies Handlebars and reload URLs with a HashiCorp image, which cannot run them', () => {
    const result = run(
      {
        [`${P}agent-inject-secret-x`]: 'kv/x',
        'vaultlet.io/template-engine': 'handlebars',
        'vaultlet.io/agent-inject-reload-url-x': 'http://localhost:8080/r',
      },
      { AGENT_INJECT_VAULT_IMAGE: 'quay.io/openbao/openbao:2.1' },
    );
    expect(result).toEqual(
      denial(
        "vaultlet.io/agent-inject-reload-url-x: needs vaultlet's agent image; the HashiCorp Vault agent has no reload URL",
        "vaultlet.io/template-engine: handlebars templates need vaultlet's agent image; the HashiCorp Vault agent only renders Go templates",
      ),
    );
  });

  it('caps a megabyte annotation value with a 400 instead of working through it', () => {
    const result = run({ [`${P}agent-inject-template-x`]: 'x'.repeat(1024 * 1024) });
    expect(result).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message: 'annotation "vault.hashicorp.com/agent-inject-template-x" is longer than 262144 bytes',
    });
  });

  it('keeps a large but legal template intact', () => {
    const big = `{{ with secret "kv/x" }}${'a'.repeat(200_000)}{{ end }}`;
    const result = run({ [`${P}agent-inject-template-x`]: big });
    expect(result.allowed).toBe(true);
  });

  it('never puts template text or a sentinel value into a denial', () => {
    const sentinel = 'SENTINEL-7f3a9c-do-not-log';
    const result = run({
      [`${P}agent-inject-template-x`]: `{{ with secret "kv/${sentinel}" }}${sentinel}{{ .Data.x }`,
      [`${P}agent-inject-template-y`]: `{{#if}}${sentinel}`,
      'vaultlet.io/template-engine': 'go',
      [`${P}agent-json-patch`]: JSON.stringify([{ op: 'test', path: '/env/0/name', value: sentinel }]),
    });
    expect(result.allowed).toBe(false);
    expect(JSON.stringify(result)).not.toContain(sentinel);
    expect(JSON.stringify(result)).not.toContain('VAULT_CONFIG');
  });

  it('handles an own __proto__ key in the annotations without touching prototypes', () => {
    const pod = JSON.parse(
      '{"metadata":{"annotations":{"__proto__":{"x":1},"vault.hashicorp.com/agent-inject":"true","vault.hashicorp.com/role":"app"}},' +
        '"spec":{"containers":[{"name":"app","volumeMounts":[{"name":"sa","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}]}]}}',
    ) as unknown;
    expect(admitPod({ object: pod, namespace: 'default' }, config)).toEqual({
      allowed: false,
      code: 400,
      warnings: [],
      message: 'annotation "__proto__" is not a string',
    });
    expect(Object.prototype).not.toHaveProperty('x');
  });
});

describe('floods of annotations', () => {
  const many = (n: number, key: (i: number) => string, value: string): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), value]));

  it('reports 20 unknown keys one by one and counts the rest', () => {
    const result = run(many(5000, (i) => `${P}agent-injct-secret-${String(i).padStart(4, '0')}`, 'x'));
    expect(result.warnings.length).toBe(21);
    expect(result.warnings[0]).toBe(
      `unknown annotation "${P}agent-injct-secret-0000" is ignored; did you mean "${P}agent-inject-secret-0000"?`,
    );
    expect(result.warnings[20]).toBe('4980 more unknown annotations ignored');
  });

  it('caps the other warnings at 30', () => {
    const result = run(many(100, (i) => `${P}agent-inject-file-s${i}`, 'f'));
    expect(result.warnings.length).toBe(30);
    expect(result.warnings[29]).toBe('71 more warnings not shown');
  });

  it('lists 50 problems in a denial and counts the rest', () => {
    const result = run(many(80, (i) => `${P}error-on-missing-key-s${String(i).padStart(2, '0')}`, 'maybe'));
    const secrets = many(80, (i) => `${P}agent-inject-secret-s${String(i).padStart(2, '0')}`, 'kv/x');
    const denied = run({
      ...secrets,
      ...many(80, (i) => `${P}error-on-missing-key-s${String(i).padStart(2, '0')}`, 'maybe'),
    });
    expect(result.allowed).toBe(true);
    expect(denied.allowed === false && denied.message.endsWith('; and 30 more')).toBe(true);
    expect(denied.allowed === false && denied.message.split('; ').length).toBe(51);
  });
});

describe('admitPod never throws', () => {
  const expectShape = (r: AdmitResult): void => {
    if (r.allowed) expect(Array.isArray(r.patch) && Array.isArray(r.warnings)).toBe(true);
    else expect([400, 403, 500]).toContain(r.code);
  };

  it('for any JSON value as the object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.string(), { nil: undefined }), (object, namespace) => {
        expectShape(admitPod({ object, namespace }, config));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('for random objects shaped a little like pods', () => {
    const container = fc.record(
      {
        name: fc.oneof(fc.string(), fc.constant('app')),
        volumeMounts: fc.option(fc.array(fc.record({ name: fc.string(), mountPath: fc.string() })), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const pod = fc.record(
      {
        metadata: fc.record(
          {
            annotations: fc.dictionary(
              fc.oneof(fc.constantFrom(`${P}agent-inject`, `${P}role`), fc.string()),
              fc.oneof(fc.constant('true'), fc.string()),
            ),
          },
          { requiredKeys: [] },
        ),
        spec: fc.record(
          {
            containers: fc.array(container, { maxLength: 3 }),
            initContainers: fc.option(fc.array(container, { maxLength: 2 }), { nil: undefined }),
            volumes: fc.option(fc.array(fc.jsonValue()), { nil: undefined }),
          },
          { requiredKeys: [] },
        ),
        status: fc.option(fc.record({ phase: fc.string() }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(pod, (object) => {
        expectShape(admitPod({ object, namespace: 'default' }, config));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('for random values of every known annotation, and never with a 500', () => {
    const keys = [
      ...VAULT_KEYS.filter((k) => k !== 'agent-inject'),
      ...VAULT_PER_NAME_PREFIXES.map((p) => `${p}x`),
    ].map((k) => P + k);
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('true', 'false', '', '0', '1', '500m', '1h', '[]', 'null', '{}', '/x', '../x', '{{ .x }}'),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 12 }), (annotations) => {
        const base = loadPodFixture('minimal-pod');
        base.metadata!.annotations = { ...annotations, [`${P}agent-inject`]: 'true' };
        const r = admitPod({ object: base, namespace: 'default' }, config);
        expectShape(r);
        expect(r.allowed || r.code !== 500).toBe(true);
      }),
      { numRuns: 400, seed: 1234 },
    );
  });
});
