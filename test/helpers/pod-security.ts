// The container fields Pod Security Standards' "restricted" profile checks, with the pod-level
// fallbacks Kubernetes applies: what an injected container needs to run in a restricted namespace.
import type { Pod } from 'kubernetes-types/core/v1.js';

const RESTRICTED_VOLUME_TYPES = new Set([
  'name',
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** The restricted-profile fields container `name` violates ([] when none), and any disallowed volume type. */
export function restrictedViolations(pod: Pod, name: string): string[] {
  const c = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((x) => x.name === name);
  if (c === undefined) return [`no container ${name}`];
  const podCtx = pod.spec?.securityContext ?? {};
  const ctx = c.securityContext ?? {};
  const out: string[] = [];
  if (ctx.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation');
  if (!(ctx.capabilities?.drop ?? []).includes('ALL')) out.push('capabilities.drop');
  if ((ctx.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) out.push('capabilities.add');
  if ((ctx.runAsNonRoot ?? podCtx.runAsNonRoot) !== true) out.push('runAsNonRoot');
  if ((ctx.runAsUser ?? podCtx.runAsUser) === 0) out.push('runAsUser');
  if (ctx.privileged === true) out.push('privileged');
  const seccomp = ctx.seccompProfile?.type ?? podCtx.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('seccompProfile');
  for (const v of pod.spec?.volumes ?? []) {
    if (Object.keys(v).some((k) => !RESTRICTED_VOLUME_TYPES.has(k))) out.push(`volume ${v.name}`);
  }
  return out;
}
