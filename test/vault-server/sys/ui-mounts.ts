// sys/internal/ui/mounts/<path>: the KV version preflight. Vault answers 403 (not 404) both for a
// path under no mount and for a token without access to the mount, so mounts cannot be probed.
import { envelope, errors } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { MountInfo } from '../engines/engine.ts';
import type { Acl } from '../policy.ts';

export interface NamedMount {
  /** With trailing slash: `secret/`, `auth/kubernetes/`. */
  readonly path: string;
  readonly info: MountInfo;
}

/** Vault's sanitizePath: no leading slash, one trailing slash. */
export function sanitizePath(path: string): string {
  return `${path.replace(/^\/+|\/+$/g, '')}/`;
}

export function findMount(mounts: readonly NamedMount[], path: string): NamedMount | undefined {
  const p = sanitizePath(path);
  let best: NamedMount | undefined;
  for (const m of mounts) if (p.startsWith(m.path) && (best === undefined || m.path.length > best.path.length)) best = m;
  return best;
}

export function uiMount(mounts: readonly NamedMount[], path: string, acl: Acl): VaultResponse {
  const mount = findMount(mounts, path);
  if (mount === undefined || !acl.touchesMount(mount.path)) {
    return errors(403, [`preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(sanitizePath(path))}`]);
  }
  const { info } = mount;
  return envelope({
    data: {
      accessor: info.accessor,
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      description: info.description,
      external_entropy_access: false,
      local: false,
      options: info.options,
      path: mount.path,
      plugin_version: '',
      running_plugin_version: info.runningPluginVersion,
      running_sha256: '',
      seal_wrap: false,
      type: info.type,
      uuid: info.uuid,
    },
    mountType: 'system',
  });
}
