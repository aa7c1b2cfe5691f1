// The pod volumes the agents need and the mounts that use them.
import type { Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import { VAULTLET_AGENT } from '../../shared/agent-config.ts';
import type { AgentSpec } from './agent-spec.ts';
import type { AgentRole } from './vault-config.ts';
import { CACHE_PATH } from './vault-config.ts';

const memory = (name: string): Volume => ({ name, emptyDir: { medium: 'Memory' } });

export function customVolumeName(i: number): string {
  return `vault-secrets-custom-${i}`;
}

/** Volumes to add, in vault-k8s's order, then vaultlet's agent-state volume. */
export function agentVolumes(spec: AgentSpec): Volume[] {
  const volumes: Volume[] = [];
  if (spec.nativeSidecar) {
    volumes.push(memory('home-sidecar'));
  } else {
    if (spec.prePopulate) volumes.push(memory('home-init'));
    if (!spec.prePopulateOnly) volumes.push(memory('home-sidecar'));
  }
  volumes.push(memory('vault-secrets'));
  spec.customPaths.forEach((_, i) => volumes.push(memory(customVolumeName(i))));
  if (spec.configMap !== '') volumes.push({ name: 'vault-config', configMap: { name: spec.configMap } });
  if (spec.extraSecret !== '') volumes.push({ name: 'extra-secrets', secret: { secretName: spec.extraSecret } });
  if (spec.tlsSecret !== '') volumes.push({ name: 'vault-tls-secrets', secret: { secretName: spec.tlsSecret } });
  if (spec.cache.persistent) volumes.push(memory('vault-agent-cache'));
  if (!spec.vaultImage) volumes.push(memory(VAULTLET_AGENT.stateVolumeName));
  return volumes;
}

/** What app containers (and existing init containers) mount: the rendered-secrets volumes only. */
export function secretMounts(spec: AgentSpec): VolumeMount[] {
  return [
    { name: 'vault-secrets', mountPath: spec.secretVolumePath },
    ...spec.customPaths.map((mountPath, i) => ({ name: customVolumeName(i), mountPath })),
  ];
}

/** An agent container's mounts, in vault-k8s's order; copied mounts never shadow ours. */
export function agentMounts(spec: AgentSpec, role: AgentRole): VolumeMount[] {
  const sa: VolumeMount = {
    name: spec.serviceAccount.volumeName,
    readOnly: true,
    mountPath: spec.serviceAccount.mountPath,
  };
  const head: VolumeMount[] =
    role === 'init'
      ? [{ name: 'home-init', mountPath: '/home/vault' }, sa]
      : [sa, { name: 'home-sidecar', mountPath: '/home/vault' }];
  if (spec.aws.mount !== undefined) head.push(spec.aws.mount);
  head.push(...secretMounts(spec));
  if (spec.extraSecret !== '') head.push({ name: 'extra-secrets', readOnly: true, mountPath: '/vault/custom' });
  const tail: VolumeMount[] = [];
  if (spec.configMap !== '') tail.push({ name: 'vault-config', readOnly: true, mountPath: '/vault/configs' });
  if (spec.tlsSecret !== '') tail.push({ name: 'vault-tls-secrets', readOnly: true, mountPath: '/vault/tls' });
  if (spec.cache.persistent) tail.push({ name: 'vault-agent-cache', mountPath: CACHE_PATH });
  if (!spec.vaultImage) tail.push({ name: VAULTLET_AGENT.stateVolumeName, mountPath: VAULTLET_AGENT.stateDir });
  const taken = new Set([...head, ...tail].map((m) => m.mountPath));
  const copied = spec.copyVolumeMounts.filter((m) => !taken.has(m.mountPath)).map((m) => ({ ...m }));
  return [...head, ...copied, ...tail];
}
