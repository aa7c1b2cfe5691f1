// The agent containers. With a HashiCorp Vault / OpenBao image they
// are byte-for-byte what vault-k8s makes (`/bin/sh -ec`); with vaultlet's image they pass args only.
import type { Container, EnvVar, Probe } from 'kubernetes-types/core/v1.js';
import { encodeAgentConfig, VAULTLET_AGENT } from '../../shared/agent-config.ts';
import type { AgentSpec } from './agent-spec.ts';
import { securityContextJson } from './security.ts';
import { type AgentRole, buildAgentConfig, TOKEN_SINK } from './vault-config.ts';
import { agentMounts } from './volumes.ts';

export const INIT_NAME = 'vault-agent-init';
export const SIDECAR_NAME = 'vault-agent';
const SHELL = ['/bin/sh', '-ec'];
/** Enough for a slow Vault: the probe runs every second for up to five minutes. */
const STARTUP_FAILURE_THRESHOLD = 300;

export function buildAgentContainer(spec: AgentSpec, role: AgentRole): Container {
  const c: Container = {
    name: role === 'init' ? INIT_NAME : SIDECAR_NAME,
    image: spec.image,
    ...command(spec, role),
    env: env(spec, role),
    resources: {
      ...(Object.keys(spec.resources.limits).length > 0 ? { limits: { ...spec.resources.limits } } : {}),
      ...(Object.keys(spec.resources.requests).length > 0 ? { requests: { ...spec.resources.requests } } : {}),
    },
    volumeMounts: agentMounts(spec, role),
  };
  if (role === 'sidecar' && spec.vaultImage)
    c.lifecycle = spec.revokeOnShutdown ? { preStop: { exec: { command: revokeCommand(spec) } } } : {};
  if (spec.security !== undefined) c.securityContext = securityContextJson(spec.security);
  if (role === 'native') {
    c.restartPolicy = 'Always';
    c.startupProbe = startupProbe(spec);
  }
  return c;
}

function command(spec: AgentSpec, role: AgentRole): Pick<Container, 'command' | 'args'> {
  const configFile = role === 'init' ? '/vault/configs/config-init.hcl' : '/vault/configs/config.hcl';
  if (spec.vaultImage) {
    const run =
      spec.configMap === ''
        ? 'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json'
        : `touch /home/vault/.vault-token && vault agent -config=${configFile}`;
    return { command: [...SHELL], args: [run] };
  }
  const args = [...VAULTLET_AGENT.agentArgs];
  if (spec.configMap !== '') args.push(`-config=${configFile}`);
  if (role !== 'init' && spec.revokeOnShutdown) args.push('-revoke-on-shutdown');
  return { args };
}

function env(spec: AgentSpec, role: AgentRole): EnvVar[] {
  const e = spec.env;
  const out: EnvVar[] = [
    { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  ];
  const add = (name: string, value: string): void => {
    if (value !== '') out.push({ name, value });
  };
  add('GOMAXPROCS', e.goMaxProcs);
  add('VAULT_CLIENT_TIMEOUT', e.clientTimeout);
  add('VAULT_MAX_RETRIES', e.clientMaxRetries);
  add('VAULT_LOG_LEVEL', e.logLevel);
  add('VAULT_LOG_FORMAT', e.logFormat);
  add('HTTPS_PROXY', e.proxyAddress);
  if (spec.configMap === '') {
    out.push({ name: 'VAULT_CONFIG', value: encodeAgentConfig(buildAgentConfig(spec, role)) });
  } else {
    const v = spec.vault;
    add('VAULT_ADDR', v.address);
    add('VAULT_CACERT', v.caCert);
    add('VAULT_CAPATH', v.caKey);
    add('VAULT_CLIENT_CERT', v.clientCert);
    add('VAULT_CLIENT_KEY', v.clientKey);
    out.push({ name: 'VAULT_SKIP_VERIFY', value: String(v.tlsSkipVerify) });
    add('VAULT_TLS_SERVER_NAME', v.tlsServerName);
  }
  add('VAULT_CACERT_BYTES', e.caCertBytes);
  out.push(...spec.aws.env.map((x) => ({ ...x })));
  return out;
}

function revokeCommand(spec: AgentSpec): string[] {
  const v = spec.vault;
  let cmd = `/bin/sleep ${spec.revokeGrace} && /bin/vault token revoke -address=${v.address}`;
  if (v.caCert !== '') cmd += ` -ca-cert=${v.caCert}`;
  if (v.clientCert !== '') cmd += ` -client-cert=${v.clientCert}`;
  if (v.clientKey !== '') cmd += ` -client-key=${v.clientKey}`;
  return ['/bin/sh', '-c', `${cmd} -self`];
}

function startupProbe(spec: AgentSpec): Probe {
  // vaultlet's agent writes a ready file after the first full render. The HashiCorp agent has no
  // such marker, so the probe waits for every rendered file (or, without templates, the token).
  const files =
    spec.secrets.length > 0 && spec.configMap === ''
      ? [...new Set(spec.secrets.map((s) => s.destination))]
      : [TOKEN_SINK];
  const command = spec.vaultImage
    ? ['/bin/sh', '-c', files.map((f) => `test -e '${f.replaceAll("'", "'\\''")}'`).join(' && ')]
    : [...VAULTLET_AGENT.readyProbeCommand];
  return { exec: { command }, periodSeconds: 1, failureThreshold: STARTUP_FAILURE_THRESHOLD };
}
