// The agents' securityContext.
import { VAULT_PREFIX } from '../annotations/keys.ts';
import type { AnnotationReader } from '../annotations/reader.ts';
import type { WebhookConfig } from '../config.ts';
import type { PodView } from './pod.ts';

export interface SecuritySpec {
  readonly runAsUser: number;
  readonly runAsGroup: number;
}

const INT64_SAFE = Number.MAX_SAFE_INTEGER;

/** undefined when no securityContext is to be set. */
export function readSecurity(r: AnnotationReader, view: PodView, config: WebhookConfig): SecuritySpec | undefined {
  const runAsKeys = ['agent-run-as-user', 'agent-run-as-group', 'agent-run-as-same-user'];
  // vault-k8s: with the webhook default off, asking for a user or group turns it back on.
  const forced = !config.setSecurityContext && !r.has('agent-set-security-context') && runAsKeys.some((k) => r.has(k));
  const set = forced || r.bool('agent-set-security-context', config.setSecurityContext);
  let runAsUser = r.int('agent-run-as-user', config.runAsUser, 0, INT64_SAFE);
  const runAsGroup = r.int('agent-run-as-group', config.runAsGroup, 0, INT64_SAFE);
  if (r.bool('agent-run-as-same-user', config.runAsSameUser)) {
    const same = sameUser(view);
    if (typeof same === 'string') r.fail(`${VAULT_PREFIX}agent-run-as-same-user`, same);
    else runAsUser = same;
  }
  return set ? { runAsUser, runAsGroup } : undefined;
}

function sameUser(view: PodView): number | string {
  const first = view.containers[0];
  if (first === undefined) return 'No containers found in Pod Spec';
  const ctx = first.securityContext;
  if (ctx === undefined || ctx === null) return 'No SecurityContext found for Container 0';
  if (typeof ctx.runAsUser !== 'number') return "RunAsUser is nil for Container 0's SecurityContext";
  if (ctx.runAsUser === 0) return 'container not allowed to run as root';
  return ctx.runAsUser;
}

/**
 * The JSON securityContext, in vault-k8s's key order, plus the RuntimeDefault seccomp profile
 * vault-k8s leaves out: without it the injected containers fail Pod Security "restricted".
 */
export function securityContextJson(s: SecuritySpec): Record<string, unknown> {
  return {
    capabilities: { drop: ['ALL'] },
    runAsUser: s.runAsUser,
    runAsGroup: s.runAsGroup,
    runAsNonRoot: s.runAsUser !== 0 && s.runAsGroup !== 0,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
