// The webhook knows its agent: admission follows the capability tables, whatever they say today.
// Every test injects its own table, both ways, so flipping an entry in shared/agent-capabilities.ts
// (or adding a rendered function) changes admission with no webhook change and no test change.
import { describe, expect, it } from '@jest/globals';
import {
  AGENT_AUTH_CONFIG_KEYS,
  AGENT_AUTH_FLAVOURS,
  AGENT_AUTH_METHODS,
  AGENT_FEATURES,
  type AgentFeatures,
} from '../../shared/agent-capabilities.ts';
import { RENDERED_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import { podWith, testConfig } from '../../test/helpers/pods.ts';
import { admitPod, type AdmitResult } from './admit.ts';
import { type AgentCapabilities, VAULTLET_AGENT_CAPABILITIES } from './image-capabilities.ts';

const P = 'vault.hashicorp.com/';
const config = testConfig();
const VAULT_IMAGE = testConfig({ AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4' });
const ALL: AgentFeatures = {
  listener: true,
  apiProxy: true,
  cache: true,
  persistentCache: true,
  quit: true,
  telemetry: true,
};
const NONE: AgentFeatures = {
  listener: false,
  apiProxy: false,
  cache: false,
  persistentCache: false,
  quit: false,
  telemetry: false,
};
const caps = (features: AgentFeatures, extra: Partial<AgentCapabilities> = {}): AgentCapabilities => ({
  authMethods: new Set(['kubernetes']),
  features,
  renderedFunctions: new Set(['printf', 'secret', 'toUpper']),
  ...extra,
});

const run = (annotations: Record<string, string>, c: AgentCapabilities, cfg = config): AdmitResult =>
  admitPod({ object: podWith('minimal-pod', annotations), namespace: 'default' }, cfg, c);

/** The keys a denial names, in order. */
const keysOf = (r: AdmitResult): string[] =>
  r.allowed
    ? []
    : r.message
        .replace(/^[^:]*: \d+ problems? with the pod's annotations: /, '')
        .split('; ')
        .map((line) => line.slice(0, line.indexOf(': ')));

const EVERY_FEATURE = {
  [`${P}agent-cache-enable`]: 'true',
  [`${P}agent-enable-quit`]: 'true',
  [`${P}agent-telemetry-disable_hostname`]: 'true',
};

describe('agent features follow the table', () => {
  it('admits a pod asking for every feature when the table has them all', () => {
    expect(run(EVERY_FEATURE, caps(ALL)).allowed).toBe(true);
  });

  it.each([
    ['listener', [`${P}agent-cache-enable`, `${P}agent-enable-quit`]],
    ['apiProxy', [`${P}agent-cache-use-auto-auth-token`]],
    ['cache', [`${P}agent-cache-enable`]],
    ['persistentCache', [`${P}agent-cache-enable`]],
    ['quit', [`${P}agent-enable-quit`]],
    ['telemetry', [`${P}agent-telemetry-disable_hostname`]],
  ] as const)('with %s false, denies naming %j', (feature, keys) => {
    const result = run(EVERY_FEATURE, caps({ ...ALL, [feature]: false }));
    expect(keysOf(result)).toEqual(keys);
    expect(result.allowed === false && result.message).toContain(
      "which vaultlet's agent image does not implement: set vault.hashicorp.com/agent-image to a HashiCorp Vault agent image",
    );
  });

  it('asks for no proxy when use-auto-auth-token is false, and no persistence for a sidecar-only cache', () => {
    const noProxy = { ...ALL, apiProxy: false, persistentCache: false };
    expect(
      run({ [`${P}agent-cache-enable`]: 'true', [`${P}agent-cache-use-auto-auth-token`]: 'false' }, caps(noProxy)),
    ).toMatchObject({ allowed: false });
    expect(
      keysOf(
        run(
          {
            [`${P}agent-cache-enable`]: 'true',
            [`${P}agent-cache-use-auto-auth-token`]: 'false',
            [`${P}agent-pre-populate`]: 'false',
          },
          caps(noProxy),
        ),
      ),
    ).toEqual([]);
  });

  it('denies nothing when the pod asks for none of them, even with an empty table', () => {
    expect(run({ [`${P}agent-inject-secret-x`]: 'kv/x' }, caps(NONE)).allowed).toBe(true);
  });
});

describe('auth methods follow the table', () => {
  const approle = { [`${P}auth-type`]: 'approle', [`${P}auth-config-role-id-file-path`]: '/vault/custom/id' };

  it('denies a method missing from the table, naming auth-type', () => {
    const result = run(approle, caps(ALL));
    expect(keysOf(result)).toEqual([`${P}auth-type`]);
    expect(result.allowed === false && result.message).toContain('asks for the "approle" auth method');
  });

  it('admits it once the table lists it', () => {
    expect(run(approle, caps(ALL, { authMethods: new Set(['kubernetes', 'approle']) })).allowed).toBe(true);
  });
});

describe('template functions follow the table', () => {
  const template = { [`${P}agent-inject-template-x`]: '{{ with secret "kv/x" }}{{ .Data.v | toLower }}{{ end }}' };

  it('denies a template calling a function the agent does not render, naming the template', () => {
    const result = run(template, caps(ALL));
    expect(keysOf(result)).toEqual([`${P}agent-inject-template-x`]);
    expect(result.allowed === false && result.message).toContain(
      "calls toLower, which vaultlet's agent image does not render",
    );
  });

  it('admits it once the function is rendered', () => {
    const rendered = new Set(['secret', 'toLower']);
    expect(run(template, caps(ALL, { renderedFunctions: rendered })).allowed).toBe(true);
  });

  it('finds calls in every position: pipelines, arguments, branches, defines', () => {
    const source =
      '{{ define "d" }}{{ toUpper "a" }}{{ end }}{{ if (printf "%s" (secret "kv/x")) }}{{ else }}{{ toLower "b" }}{{ end }}{{ template "d" }}';
    const result = run({ [`${P}agent-inject-template-x`]: source }, caps(ALL, { renderedFunctions: new Set() }));
    const message = result.allowed ? '' : result.message;
    for (const name of ['toUpper', 'printf', 'secret', 'toLower']) expect(message).toContain(`calls ${name},`);
  });
});

describe('images and modes the checks leave alone', () => {
  it('a HashiCorp Vault image: everything vault-k8s admits stays admitted', () => {
    const everything = {
      ...EVERY_FEATURE,
      [`${P}auth-type`]: 'approle',
      [`${P}agent-inject-template-x`]: '{{ key "consul/x" }}',
    };
    expect(run(everything, caps(NONE, { renderedFunctions: new Set() }), VAULT_IMAGE).allowed).toBe(true);
  });

  it('ConfigMap mode: the agent config is the pod owner’s', () => {
    expect(run({ ...EVERY_FEATURE, [`${P}agent-configmap`]: 'cfg' }, caps(NONE)).allowed).toBe(true);
  });

  it('the default capabilities are the shared tables themselves, not copies', () => {
    expect(VAULTLET_AGENT_CAPABILITIES.features).toBe(AGENT_FEATURES);
    expect(VAULTLET_AGENT_CAPABILITIES.authMethods).toBe(AGENT_AUTH_METHODS);
    expect(VAULTLET_AGENT_CAPABILITIES.renderedFunctions).toBe(RENDERED_FUNCTIONS);
  });
});

describe('auth method options follow the table', () => {
  const withAuth = { ...caps(ALL), authMethods: new Set(['kubernetes', 'aws', 'gcp', 'azure', 'approle']) };
  const tables = {
    ...withAuth,
    authConfigKeys: AGENT_AUTH_CONFIG_KEYS,
    authFlavours: AGENT_AUTH_FLAVOURS,
  };

  it('admits the options and flavours the agent implements', () => {
    expect(run({ [`${P}auth-type`]: 'aws', [`${P}auth-config-region`]: 'eu-west-1' }, tables).allowed).toBe(true);
    expect(run({ [`${P}auth-type`]: 'gcp', [`${P}auth-config-type`]: 'gce' }, tables).allowed).toBe(true);
    expect(
      run({ [`${P}auth-type`]: 'approle', [`${P}auth-config-role-id-file-path`]: '/vault/custom/role-id' }, tables)
        .allowed,
    ).toBe(true);
  });

  it('denies a flavour or an option the agent would refuse, naming the annotation; a Vault image admits them', () => {
    const ec2 = { [`${P}auth-type`]: 'aws', [`${P}auth-config-type`]: 'ec2' };
    expect(keysOf(run(ec2, tables))).toEqual([`${P}auth-config-type`]);
    expect(keysOf(run({ [`${P}auth-type`]: 'gcp' }, tables))).toEqual([`${P}auth-config-type`]);
    const fromEnv = { [`${P}auth-type`]: 'azure', [`${P}auth-config-authenticate-from-environment`]: 'true' };
    expect(keysOf(run(fromEnv, tables))).toEqual([`${P}auth-config-authenticate-from-environment`]);
    expect(run(ec2, tables, VAULT_IMAGE).allowed).toBe(true);
  });

  it('uses the agent config keys of the shared table, by reference', () => {
    expect(VAULTLET_AGENT_CAPABILITIES.authConfigKeys).toBe(AGENT_AUTH_CONFIG_KEYS);
  });
});
