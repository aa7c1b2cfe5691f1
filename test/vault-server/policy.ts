// ACL checks in Vault's policy path syntax: exact paths, a trailing `*` glob, `+` for one segment.
// Capabilities of all matching rules are combined; `deny` wins.
import type { PolicySeed } from './seed.ts';

export type Capability = 'create' | 'read' | 'update' | 'delete' | 'list';

/** Vault's built-in `default` policy, as far as the paths this server serves. */
const BUILTIN_DEFAULT: PolicySeed = {
  'auth/token/lookup-self': ['read'],
  'auth/token/renew-self': ['update'],
  'auth/token/revoke-self': ['update'],
  'sys/leases/lookup': ['update'],
  'sys/leases/renew': ['update'],
  'sys/renew': ['update'],
};

interface Rule {
  readonly pattern: RegExp;
  /** The literal text before the first wildcard, for the mount preflight check. */
  readonly prefix: string;
  readonly capabilities: readonly string[];
}

function compile(path: string, capabilities: readonly string[]): Rule {
  const glob = path.endsWith('*');
  const body = glob ? path.slice(0, -1) : path;
  const source = body.split('+').map((part) => part.replace(/[.*?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  const wildcard = body.indexOf('+');
  return {
    pattern: new RegExp(`^${source}${glob ? '.*' : ''}$`),
    prefix: wildcard === -1 ? body : body.slice(0, wildcard),
    capabilities,
  };
}

export interface Acl {
  allows(path: string, capability: Capability): boolean;
  /** Whether any rule grants anything under the mount (Vault's check for sys/internal/ui/mounts). */
  touchesMount(mountPath: string): boolean;
}

export const ALLOW_ALL: Acl = Object.freeze({ allows: () => true, touchesMount: () => true });

export function buildAcl(policyNames: readonly string[], policies: Readonly<Record<string, PolicySeed>> | undefined): Acl {
  if (policies === undefined || policyNames.includes('root')) return ALLOW_ALL;
  const rules: Rule[] = [];
  for (const name of policyNames) {
    const policy = policies[name] ?? (name === 'default' ? BUILTIN_DEFAULT : undefined);
    for (const [path, caps] of Object.entries(policy ?? {})) rules.push(compile(path, caps));
  }
  return {
    allows(path, capability) {
      const matching = rules.filter((r) => r.pattern.test(path));
      if (matching.some((r) => r.capabilities.includes('deny'))) return false;
      const wanted = capability === 'create' || capability === 'update' ? ['create', 'update'] : [capability];
      return matching.some((r) => r.capabilities.some((c) => wanted.includes(c)));
    },
    touchesMount(mountPath) {
      return rules.some((r) => !r.capabilities.includes('deny') && (r.prefix.startsWith(mountPath) || mountPath.startsWith(r.prefix)));
    },
  };
}
