// "The webhook knows its agent": with vaultlet's own agent image, a pod that asks for something the
// agent does not implement is denied at admission, naming the annotation and the way out (a
// HashiCorp Vault agent image), instead of being admitted to fail inside the pod. The checks read
// the capability tables themselves, so flipping an entry there changes admission with no edit here.
import type { FieldError } from '../../shared/errors.ts';
import {
  AGENT_AUTH_CONFIG_KEYS,
  AGENT_AUTH_FLAVOURS,
  AGENT_AUTH_METHODS,
  AGENT_FEATURES,
  INJECTOR_AUTH_CONFIG_KEYS,
  type AgentFeatures,
} from '../../shared/agent-capabilities.ts';
import { notRenderedReason, RENDERED_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import { VAULT_PREFIX } from '../annotations/keys.ts';
import type { AgentSpec } from './agent-spec.ts';

export interface AgentCapabilities {
  readonly authMethods: ReadonlySet<string>;
  /** Per method, the config keys the agent reads and the flavours (`config.type`) it implements. */
  readonly authConfigKeys?: Readonly<Record<string, readonly string[]>>;
  readonly authFlavours?: Readonly<Record<string, { readonly allowed: readonly string[]; readonly fallback?: string }>>;
  readonly features: AgentFeatures;
  readonly renderedFunctions: ReadonlySet<string>;
}

/** vaultlet's agent image: the shared tables, by reference. */
export const VAULTLET_AGENT_CAPABILITIES: AgentCapabilities = Object.freeze({
  authMethods: AGENT_AUTH_METHODS,
  authConfigKeys: AGENT_AUTH_CONFIG_KEYS,
  authFlavours: AGENT_AUTH_FLAVOURS,
  features: AGENT_FEATURES,
  renderedFunctions: RENDERED_FUNCTIONS,
});

const ALTERNATIVE =
  'set vault.hashicorp.com/agent-image to a HashiCorp Vault agent image (such as hashicorp/vault:2.0.4) to use it';

type Spec = Pick<
  AgentSpec,
  'vaultImage' | 'configMap' | 'auth' | 'cache' | 'enableQuit' | 'telemetry' | 'prePopulateOnly' | 'secrets'
>;

/**
 * What the pod asks for beyond `caps`, one error per annotation. Nothing with a HashiCorp Vault /
 * OpenBao image (the real Vault Agent does it all), nor with a ConfigMap (the config is not ours).
 * `telemetryKeys` are the pod's `agent-telemetry-*` keys.
 */
export function capabilityErrors(spec: Spec, caps: AgentCapabilities, telemetryKeys: readonly string[]): FieldError[] {
  if (spec.vaultImage || spec.configMap !== '') return [];
  const errors: FieldError[] = [];
  const missing = (key: string, what: string): void => {
    errors.push({
      field: VAULT_PREFIX + key,
      message: `asks for ${what}, which vaultlet's agent image does not implement: ${ALTERNATIVE}`,
    });
  };
  // An empty auth type is already denied on its own ("no Vault auth type found").
  if (spec.auth.type !== '' && !caps.authMethods.has(spec.auth.type))
    missing('auth-type', `the "${spec.auth.type.slice(0, 63)}" auth method`);
  else if (spec.auth.type !== '') authConfigErrors(spec.auth, caps, missing);
  const c = spec.cache;
  // The same conditions as the config builder: a cache and a listener when persistent, or for the sidecar.
  const cacheStanza = c.persistent || (c.enable && !spec.prePopulateOnly);
  if (cacheStanza) {
    if (!caps.features.cache) missing('agent-cache-enable', 'the agent cache');
    if (!caps.features.listener) missing('agent-cache-enable', 'a local Vault API listener');
    if (c.persistent && !caps.features.persistentCache)
      missing('agent-cache-enable', 'a persistent cache handed from the init container to the sidecar');
    if (c.useAutoAuthToken !== 'false' && !caps.features.apiProxy)
      missing('agent-cache-use-auto-auth-token', 'proxying Vault requests with the auto-auth token');
  }
  if (spec.enableQuit) {
    if (!caps.features.quit) missing('agent-enable-quit', 'the quit endpoint');
    if (!caps.features.listener) missing('agent-enable-quit', 'a local Vault API listener');
  }
  if (spec.telemetry !== undefined && !caps.features.telemetry) {
    for (const key of telemetryKeys) missing(key.slice(VAULT_PREFIX.length), 'the telemetry stanza');
  }
  for (const s of spec.secrets) {
    for (const name of s.calls) {
      if (caps.renderedFunctions.has(name)) continue;
      const reason = notRenderedReason(name);
      errors.push({
        field: `${VAULT_PREFIX}agent-inject-template-${s.name}`,
        message: `calls ${name}, which vaultlet's agent image does not render${reason === undefined ? '' : ` (${reason})`}: ${ALTERNATIVE}`,
      });
    }
  }
  return errors;
}

/** `auth-config-*` keys and flavours of a method the agent implements that it does not read or implement. */
function authConfigErrors(
  auth: Spec['auth'],
  caps: AgentCapabilities,
  missing: (key: string, what: string) => void,
): void {
  const keys = caps.authConfigKeys?.[auth.type];
  if (keys !== undefined) {
    for (const key of Object.keys(auth.config)) {
      if (keys.includes(key) || INJECTOR_AUTH_CONFIG_KEYS.includes(key)) continue;
      missing(
        `auth-config-${key.replaceAll('_', '-').slice(0, 63)}`,
        `the "${auth.type}" method's "${key.slice(0, 63)}" option`,
      );
    }
  }
  const flavours = caps.authFlavours?.[auth.type];
  if (flavours !== undefined) {
    const flavour = auth.config['type'] ?? flavours.fallback;
    if (flavour === undefined || !flavours.allowed.includes(flavour))
      missing(
        'auth-config-type',
        `the "${auth.type}" method${flavour === undefined ? ' without a type' : ` of type "${flavour.slice(0, 63)}"`} (vaultlet's agent implements ${flavours.allowed.join(', ')})`,
      );
  }
}
