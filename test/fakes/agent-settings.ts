// AgentSettings for runner tests: the defaults D2's loader resolves, with short timings.
import type { AgentSettings, KubernetesAuthSettings, TemplateSettings } from '../../agent/config/settings.ts';

export function templateSettings(index: number, destination: string, contents: string, extra: Partial<TemplateSettings> = {}): TemplateSettings {
  return {
    index, destination, destinationRoots: [], contents, leftDelimiter: '{{', rightDelimiter: '}}', commandTimeoutMs: 30_000,
    errorOnMissingKey: false, engine: 'go', createDestDirs: true, ...extra,
  };
}

/** Without overrides the auth is Kubernetes, typed as such so tests can spread it and change `role`. */
export function agentSettings(): AgentSettings & { auth: KubernetesAuthSettings };
export function agentSettings(overrides: Partial<AgentSettings>): AgentSettings;
export function agentSettings(overrides: Partial<AgentSettings> = {}): AgentSettings {
  return {
    config: {},
    vault: { address: 'http://127.0.0.1:8200', skipVerify: false, numRetries: 2, timeoutMs: 60_000 },
    auth: { type: 'kubernetes', mountPath: 'auth/kubernetes', role: 'app', tokenPath: '/sa/token', minBackoffMs: 1000, maxBackoffMs: 300_000, exitOnErr: false },
    sinks: [{ path: '/home/vault/.vault-token', mode: 0o640 }],
    templates: [],
    templateConfig: { exitOnRetryFailure: false, staticSecretRenderIntervalMs: 300_000, leaseRenewalThreshold: 0.9, maxConnectionsPerHost: 10, retryInitialMs: 250, retryMaxMs: 60_000 },
    exitAfterAuth: false,
    revokeOnShutdown: false,
    destinationRoots: [],
    logLevel: 'info',
    logFormat: 'json',
    disableIdleConnections: [],
    disableKeepAlives: [],
    ...overrides,
  };
}
