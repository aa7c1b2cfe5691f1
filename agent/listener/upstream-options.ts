// The API proxy's connection settings to Vault, from the same `vault` stanza as the agent's own
// client: address, CA bundle (VAULT_CACERT_BYTES, ca_cert, ca_path), client certificate, TLS
// server name, proxy, timeout, and `disable_keep_alives = ["proxying"]`.
import { readdirSync } from 'node:fs';
import type { AgentSettings } from '../config/settings.ts';
import type { HttpTransportOptions } from '../vault/http-transport.ts';

export function upstreamOptions(settings: AgentSettings, readFile: (path: string) => string): HttpTransportOptions {
  const v = settings.vault;
  const caParts: string[] = [];
  if (v.caCertPem !== undefined) caParts.push(v.caCertPem);
  if (v.caCertPath !== undefined) caParts.push(readFile(v.caCertPath));
  if (v.caPath !== undefined) {
    for (const name of readdirSync(v.caPath).sort()) {
      if (/\.(pem|crt)$/.test(name)) caParts.push(readFile(`${v.caPath}/${name}`));
    }
  }
  return {
    address: v.address,
    ...(caParts.length > 0 ? { caCertPem: caParts.join('\n') } : {}),
    ...(v.clientCertPath !== undefined ? { clientCertPem: readFile(v.clientCertPath) } : {}),
    ...(v.clientKeyPath !== undefined ? { clientKeyPem: readFile(v.clientKeyPath) } : {}),
    skipVerify: v.skipVerify,
    ...(v.tlsServerName !== undefined ? { tlsServerName: v.tlsServerName } : {}),
    ...(v.proxyUrl !== undefined ? { proxyUrl: v.proxyUrl } : {}),
    timeoutMs: v.timeoutMs,
    maxConnectionsPerHost: settings.templateConfig.maxConnectionsPerHost,
    keepAlive: !settings.disableKeepAlives.includes('proxying'),
  };
}
