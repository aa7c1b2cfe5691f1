// sys/health and sys/seal-status: unauthenticated, answered even while sealed. Status codes and
// query overrides as in Vault's sys/health.
import { json } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import { VAULT_VERSION, type ServerStatus } from './status.ts';

export interface ClusterIdentity {
  readonly name: string;
  readonly id: string;
}

function codeParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 100 && n <= 999 ? n : fallback;
}

function healthStatus(status: ServerStatus, query: URLSearchParams): number {
  if (!status.initialized) return codeParam(query, 'uninitcode', 501);
  if (status.sealed) return codeParam(query, 'sealedcode', 503);
  if (status.standby) {
    const ok = query.get('standbyok') === 'true';
    return ok ? codeParam(query, 'activecode', 200) : codeParam(query, 'standbycode', 429);
  }
  return codeParam(query, 'activecode', 200);
}

export function health(opts: { method: string; query: URLSearchParams; status: ServerStatus; nowMs: number; cluster: ClusterIdentity }): VaultResponse {
  const { status } = opts;
  const sealedLike = status.sealed || !status.initialized;
  const body: Record<string, unknown> = {
    initialized: status.initialized,
    sealed: sealedLike,
    standby: sealedLike || status.standby,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(opts.nowMs / 1000),
    version: VAULT_VERSION,
    enterprise: false,
  };
  if (!sealedLike) {
    body['cluster_name'] = opts.cluster.name;
    body['cluster_id'] = opts.cluster.id;
  }
  body['echo_duration_ms'] = 0;
  body['clock_skew_ms'] = 0;
  body['replication_primary_canary_age_ms'] = 0;
  const code = healthStatus(status, opts.query);
  if (opts.method === 'HEAD') return { status: code, body: '' };
  return json(code, body);
}

export function sealStatus(status: ServerStatus, cluster: ClusterIdentity): VaultResponse {
  const sealedLike = status.sealed || !status.initialized;
  return json(200, {
    type: 'shamir', initialized: status.initialized, sealed: sealedLike, t: 1, n: 1, progress: 0, nonce: '',
    version: VAULT_VERSION, build_date: '2024-08-28T15:53:01Z', migration: false,
    ...(sealedLike ? {} : { cluster_name: cluster.name, cluster_id: cluster.id }),
    recovery_seal: false, storage_type: 'inmem',
  });
}
