// An agent that implements everything a VAULT_CONFIG can ask for: for tests of the webhook's output
// that must not depend on what vaultlet's agent implements today (shared/agent-capabilities.ts).
import { CONSUL_TEMPLATE_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import type { AgentCapabilities } from '../../webhook/inject/image-capabilities.ts';

export const EVERY_CAPABILITY: AgentCapabilities = Object.freeze({
  authMethods: new Set(['kubernetes', 'approle', 'jwt', 'token_file', 'aws', 'cert', 'gcp', 'azure']),
  features: Object.freeze({
    listener: true,
    apiProxy: true,
    cache: true,
    persistentCache: true,
    quit: true,
    telemetry: true,
  }),
  renderedFunctions: CONSUL_TEMPLATE_FUNCTIONS,
});
