// Everything the pod's annotations ask for, resolved against the webhook's defaults into one typed
// value. Defaults are resolved here, never written back into the pod.
import type { Operation } from 'fast-json-patch';
import type { EnvVar, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import type { WebhookConfig } from '../config.ts';
import { VAULT_PREFIX, VAULTLET_PREFIX } from '../annotations/keys.ts';
import { readContainerPatch } from '../annotations/json-patch.ts';
import { checkMountPath } from '../annotations/paths.ts';
import { type AnnotationReader, splitCommaList } from '../annotations/reader.ts';
import { readSecrets, type SecretSpec } from '../annotations/secrets.ts';
import { readTelemetry } from '../annotations/telemetry.ts';
import { readAws } from './aws.ts';
import { type AgentCapabilities, capabilityErrors, VAULTLET_AGENT_CAPABILITIES } from './image-capabilities.ts';
import type { PodView } from './pod.ts';
import { readSecurity, type SecuritySpec } from './security.ts';
import { readAuth, readVault, type AuthSpec, type VaultConnection } from './auth-spec.ts';
import type { ServiceAccountToken } from './service-account.ts';

export interface AgentSpec {
  readonly image: string;
  /** A HashiCorp Vault / OpenBao image: emit exactly what vault-k8s emits. */
  readonly vaultImage: boolean;
  readonly prePopulate: boolean;
  readonly prePopulateOnly: boolean;
  readonly initFirst: boolean;
  readonly nativeSidecar: boolean;
  readonly injectContainers: ReadonlySet<string>;
  readonly configMap: string;
  readonly extraSecret: string;
  readonly tlsSecret: string;
  readonly copyVolumeMounts: readonly VolumeMount[];
  readonly injectToken: boolean;
  readonly sidecarPatch: readonly Operation[];
  readonly initPatch: readonly Operation[];
  readonly serviceAccount: ServiceAccountToken;
  readonly shareProcessNamespace: boolean | undefined;
  readonly secretVolumePath: string;
  /** Distinct per-secret mount paths other than secretVolumePath, sorted. */
  readonly customPaths: readonly string[];
  readonly secrets: readonly SecretSpec[];
  readonly vault: VaultConnection;
  readonly auth: AuthSpec;
  readonly env: AgentEnv;
  readonly resources: {
    readonly limits: Readonly<Record<string, string>>;
    readonly requests: Readonly<Record<string, string>>;
  };
  readonly security: SecuritySpec | undefined;
  readonly cache: CacheSpec;
  readonly enableQuit: boolean;
  readonly revokeOnShutdown: boolean;
  readonly revokeGrace: number;
  readonly disableIdleConnections: readonly string[];
  readonly disableKeepAlives: readonly string[];
  readonly templateConfig: TemplateConfigSpec;
  readonly telemetry: Readonly<Record<string, unknown>> | undefined;
  readonly aws: { readonly env: readonly EnvVar[]; readonly mount: VolumeMount | undefined };
}

export type { AuthSpec, VaultConnection } from './auth-spec.ts';

export interface AgentEnv {
  readonly goMaxProcs: string;
  readonly clientTimeout: string;
  readonly clientMaxRetries: string;
  readonly logLevel: string;
  readonly logFormat: string;
  readonly proxyAddress: string;
  readonly caCertBytes: string;
}

export interface CacheSpec {
  readonly enable: boolean;
  readonly persistent: boolean;
  readonly useAutoAuthToken: string;
  /** As written: vault-k8s puts it in the listener address unchecked. */
  readonly listenerPort: string;
  readonly exitOnErr: boolean;
}

export interface TemplateConfigSpec {
  readonly exitOnRetryFailure: boolean;
  readonly staticSecretRenderInterval: string;
  readonly maxConnectionsPerHost: number;
  readonly leaseRenewalThreshold: number;
}

const INT32 = 2 ** 31 - 1;
const TELEMETRY_PREFIX = `${VAULT_PREFIX}agent-telemetry-`;

export function isVaultImage(image: string): boolean {
  // The repository without `@digest` and `:tag`, by index (a `:[^/]*$` regex is quadratic in ':'s).
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const tag = named.indexOf(':', named.lastIndexOf('/') + 1);
  const repository = tag === -1 ? named : named.slice(0, tag);
  return repository.includes('hashicorp/vault') || repository.includes('openbao');
}

export function readAgentSpec(
  r: AnnotationReader,
  view: PodView,
  config: WebhookConfig,
  warnings: string[],
  capabilities: AgentCapabilities = VAULTLET_AGENT_CAPABILITIES,
): AgentSpec {
  const image = r.str('agent-image', config.vaultImage);
  if (image.trim() === '') r.fail(`${VAULT_PREFIX}agent-image`, 'no agent image given (the annotation is empty)');
  const vaultImage = isVaultImage(image);
  const flow = readFlow(r, config);
  const engine = readEngine(r, config, vaultImage);
  const secretVolumePath = checkMountPath(
    r,
    `${VAULT_PREFIX}secret-volume-path`,
    r.str('secret-volume-path', '/vault/secrets'),
    '/vault/secrets',
  );
  const defaultTemplate = readDefaultTemplate(r, config);
  const secrets = readSecrets(
    r,
    { secretVolumePath, defaultTemplate, engine, preserveCase: r.bool('preserve-secret-case', false) },
    warnings,
  );
  if (vaultImage) rejectVaultletOnly(r, secrets);
  const auth = readAuth(r, config, view);
  const configMap = r.str('agent-configmap', '');
  const spec: AgentSpec = {
    image,
    vaultImage,
    ...flow,
    injectContainers: readInjectContainers(r, view, warnings),
    configMap,
    extraSecret: r.str('agent-extra-secret', ''),
    tlsSecret: r.str('tls-secret', ''),
    copyVolumeMounts: readCopyMounts(r, view, warnings),
    injectToken: r.bool('agent-inject-token', false),
    // The sidecar patch also applies to a native sidecar; the init patch only to a plain init container.
    sidecarPatch: readContainerPatch(r, 'agent-json-patch', flow.nativeSidecar || !flow.prePopulateOnly),
    initPatch: readContainerPatch(r, 'agent-init-json-patch', flow.prePopulate && !flow.nativeSidecar),
    serviceAccount: auth.serviceAccount,
    shareProcessNamespace: readShareProcessNamespace(r, view),
    secretVolumePath,
    customPaths: [...new Set(secrets.map((s) => s.mountPath).filter((p) => p !== secretVolumePath))].sort(),
    secrets,
    vault: readVault(r, config, configMap !== '', warnings),
    auth: auth.spec,
    env: {
      goMaxProcs: r.str('go-max-procs', ''),
      clientTimeout: r.str('client-timeout', ''),
      clientMaxRetries: r.str('client-max-retries', ''),
      logLevel: r.str('log-level', 'info'),
      logFormat: r.str('log-format', 'standard'),
      proxyAddress: r.str('proxy-address', config.proxyAddress),
      caCertBytes: config.vaultCaCertBytes,
    },
    resources: readResources(r, config),
    security: readSecurity(r, view, config),
    cache: readCache(r, flow, warnings),
    enableQuit: r.bool('agent-enable-quit', false),
    revokeOnShutdown: r.bool('agent-revoke-on-shutdown', config.revokeOnShutdown),
    revokeGrace: r.int('agent-revoke-grace', 5, 0, INT32),
    disableIdleConnections: splitCommaList(r.str('agent-disable-idle-connections', config.disableIdleConnections)),
    disableKeepAlives: splitCommaList(r.str('agent-disable-keep-alives', config.disableKeepAlives)),
    templateConfig: {
      exitOnRetryFailure: r.bool('template-config-exit-on-retry-failure', config.exitOnRetryFailure),
      staticSecretRenderInterval: r.duration(
        'template-static-secret-render-interval',
        config.staticSecretRenderInterval,
      ),
      maxConnectionsPerHost: r.int('template-max-connections-per-host', config.maxConnectionsPerHost, 0, INT32),
      leaseRenewalThreshold: r.float('template-lease-renewal-threshold', config.leaseRenewalThreshold),
    },
    telemetry: readTelemetry(r, warnings),
    aws: auth.spec.type === 'aws' ? readAws(view, auth.spec.config) : { env: [], mount: undefined },
  };
  const telemetryKeys = r.keysUnder(TELEMETRY_PREFIX).map((k) => k.key);
  for (const e of capabilityErrors(spec, capabilities, telemetryKeys)) r.fail(e.field, e.message);
  return spec;
}

function readFlow(
  r: AnnotationReader,
  config: WebhookConfig,
): Pick<AgentSpec, 'prePopulate' | 'prePopulateOnly' | 'initFirst' | 'nativeSidecar'> {
  const prePopulate = r.bool('agent-pre-populate', true);
  const prePopulateOnly = r.bool('agent-pre-populate-only', false);
  const askedNative = r.has('agent-native-sidecar');
  let nativeSidecar = r.bool('agent-native-sidecar', config.nativeSidecar);
  if (nativeSidecar && prePopulateOnly) {
    // Only an explicit request conflicts; the webhook-wide default yields to pre-populate-only (Jobs).
    if (askedNative) {
      r.fail(
        `${VAULT_PREFIX}agent-native-sidecar`,
        'cannot be combined with agent-pre-populate-only: a native sidecar keeps running; for an init-only agent drop agent-native-sidecar',
      );
    }
    nativeSidecar = false;
  }
  return { prePopulate, prePopulateOnly, initFirst: r.bool('agent-init-first', false), nativeSidecar };
}

function readEngine(r: AnnotationReader, config: WebhookConfig, vaultImage: boolean): TemplateEngineName {
  const key = `${VAULTLET_PREFIX}template-engine`;
  const raw = r.raw(key);
  if (raw === undefined) return vaultImage ? 'go' : config.templateEngine;
  if (raw !== 'go' && raw !== 'handlebars') {
    r.fail(key, 'must be "go" or "handlebars"');
    return 'go';
  }
  if (raw === 'handlebars' && vaultImage)
    r.fail(
      key,
      "handlebars templates need vaultlet's agent image; the HashiCorp Vault agent only renders Go templates",
    );
  return raw;
}

function rejectVaultletOnly(r: AnnotationReader, secrets: readonly SecretSpec[]): void {
  for (const s of secrets) {
    if (s.reloadUrl !== undefined) {
      r.fail(
        `${VAULTLET_PREFIX}agent-inject-reload-url-${s.name}`,
        "needs vaultlet's agent image; the HashiCorp Vault agent has no reload URL",
      );
    }
  }
}

function readDefaultTemplate(r: AnnotationReader, config: WebhookConfig): 'map' | 'json' {
  const v = r.str('agent-inject-default-template', config.defaultTemplate).toLowerCase();
  if (v === 'map' || v === 'json') return v;
  r.fail(`${VAULT_PREFIX}agent-inject-default-template`, 'invalid default template type: must be "map" or "json"');
  return 'map';
}

function readInjectContainers(r: AnnotationReader, view: PodView, warnings: string[]): ReadonlySet<string> {
  const names = new Set(view.containers.map((c) => c.name));
  if (!r.has('agent-inject-containers')) return names;
  const wanted = splitCommaList(r.str('agent-inject-containers', ''));
  for (const w of wanted) {
    // A set: a long list against many containers must not cost their product.
    if (!names.has(w))
      warnings.push(`agent-inject-containers names "${w.slice(0, 63)}", which is not a container of this pod`);
  }
  return new Set(wanted);
}

function readCopyMounts(r: AnnotationReader, view: PodView, warnings: string[]): VolumeMount[] {
  const name = r.str('agent-copy-volume-mounts', '');
  if (name === '') return [];
  const source = [...view.containers, ...view.initContainers].find((c) => c.name === name);
  if (source === undefined) {
    warnings.push(
      `agent-copy-volume-mounts names "${name.slice(0, 63)}", which is not a container of this pod; nothing is copied`,
    );
    return [];
  }
  return (source.volumeMounts ?? []).filter((m) => !String(m.mountPath).toLowerCase().includes('serviceaccount'));
}

function readShareProcessNamespace(r: AnnotationReader, view: PodView): boolean | undefined {
  if (!r.has('agent-share-process-namespace')) return undefined;
  const share = r.bool('agent-share-process-namespace', false);
  if (share && view.pod.spec?.shareProcessNamespace === false) {
    r.fail(
      `${VAULT_PREFIX}agent-share-process-namespace`,
      'is true but the pod spec sets shareProcessNamespace: false',
    );
  }
  return share;
}

function readResources(r: AnnotationReader, config: WebhookConfig): AgentSpec['resources'] {
  const d = config.resources;
  const pick = (entries: [string, string][]): Record<string, string> =>
    Object.fromEntries(entries.filter(([, v]) => v !== ''));
  return {
    limits: pick([
      ['cpu', r.quantity('agent-limits-cpu', d.cpuLimit)],
      ['memory', r.quantity('agent-limits-mem', d.memLimit)],
      ['ephemeral-storage', r.quantity('agent-limits-ephemeral', d.ephemeralLimit)],
    ]),
    requests: pick([
      ['cpu', r.quantity('agent-requests-cpu', d.cpuRequest)],
      ['memory', r.quantity('agent-requests-mem', d.memRequest)],
      ['ephemeral-storage', r.quantity('agent-requests-ephemeral', d.ephemeralRequest)],
    ]),
  };
}

function readCache(
  r: AnnotationReader,
  flow: Pick<AgentSpec, 'prePopulate' | 'prePopulateOnly' | 'nativeSidecar'>,
  warnings: string[],
): CacheSpec {
  const enable = r.bool('agent-cache-enable', false);
  const listenerPort = r.str('agent-cache-listener-port', '8200');
  // vault-k8s uses the port unchecked and admits the pod; so does vaultlet, with a warning.
  if (!/^\d{1,5}$/.test(listenerPort) || Number(listenerPort) < 1 || Number(listenerPort) > 65535)
    warnings.push(
      `annotation "${VAULT_PREFIX}agent-cache-listener-port" is not a port number (1-65535); the agent's listener will not start`,
    );
  return {
    enable,
    // A native sidecar is one agent for the pod's whole life: nothing to hand over, so no persistence.
    persistent: enable && flow.prePopulate && !flow.prePopulateOnly && !flow.nativeSidecar,
    useAutoAuthToken: r.str('agent-cache-use-auto-auth-token', 'true'),
    listenerPort,
    exitOnErr: r.bool('agent-cache-exit-on-err', false),
  };
}
