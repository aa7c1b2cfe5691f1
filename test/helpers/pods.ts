// Sample pods (test/fixtures/pods) and a harness that runs admitPod, applies the patch with
// fast-json-patch and decodes each agent's VAULT_CONFIG, so tests can compare whole results.
import { readFileSync } from 'node:fs';
import fastJsonPatch from 'fast-json-patch';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { decodeAgentConfig } from '../../shared/agent-config.ts';
import { loadWebhookConfig, type WebhookConfig } from '../../webhook/config.ts';
import { admitPod, type AdmitResult } from '../../webhook/inject/admit.ts';
import type { AgentCapabilities } from '../../webhook/inject/image-capabilities.ts';

const FIXTURES = new URL('../fixtures/pods/', import.meta.url);

export function loadPodFixture(name: string): Pod {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Pod;
}

export function testConfig(env: Readonly<Record<string, string>> = {}): WebhookConfig {
  return loadWebhookConfig({ AGENT_INJECT_VAULT_ADDR: 'http://vault.vault.svc:8200', ...env }, []);
}

/** A fixture with its annotations replaced by the fixture's own plus `annotations`. */
export function podWith(name: string, annotations: Readonly<Record<string, string>>): Pod {
  const pod = loadPodFixture(name);
  pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } };
  return pod;
}

export interface Admitted {
  readonly result: AdmitResult;
  /** The pod after applying the patch (undefined when denied). */
  readonly pod: Pod | undefined;
  readonly init: Container | undefined;
  readonly sidecar: Container | undefined;
  readonly initConfig: unknown;
  readonly sidecarConfig: unknown;
}

/** `capabilities`: what vaultlet's agent image implements, when a test must not depend on today's table. */
export function admit(
  pod: Pod,
  config: WebhookConfig = testConfig(),
  namespace = 'default',
  capabilities?: AgentCapabilities,
): Admitted {
  const original = JSON.stringify(pod);
  const result = admitPod({ object: pod, namespace }, config, capabilities);
  if (JSON.stringify(pod) !== original) throw new Error('admitPod changed its input');
  if (!result.allowed)
    return {
      result,
      pod: undefined,
      init: undefined,
      sidecar: undefined,
      initConfig: undefined,
      sidecarConfig: undefined,
    };
  const patched = fastJsonPatch.applyPatch(
    JSON.parse(original) as Pod,
    result.patch.map((op) => ({ ...op })),
    true,
    false,
  ).newDocument;
  const init = patched.spec?.initContainers?.find((c) => c.name === 'vault-agent-init' || c.name === 'vault-agent');
  const sidecar = patched.spec?.containers.find((c) => c.name === 'vault-agent');
  return { result, pod: patched, init, sidecar, initConfig: configOf(init), sidecarConfig: configOf(sidecar) };
}

export function configOf(c: Container | undefined): unknown {
  const value = c?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value;
  return value === undefined ? undefined : decodeAgentConfig(value);
}
