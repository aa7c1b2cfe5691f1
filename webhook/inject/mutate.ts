// Applies an AgentSpec to a clone of the pod (spec/injector.md §2.3–§2.5). The patch is then the diff
// of the clone against the original, never hand-built ops: a pod without volumes keeps every
// injected volume, and the order is stable.
import type { Container, Pod, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../shared/errors.ts';
import { STATUS_INJECTED, STATUS_KEY, VAULT_PREFIX } from '../annotations/keys.ts';
import type { AgentSpec } from './agent-spec.ts';
import { patchContainer } from './container-patch.ts';
import { buildAgentContainer, INIT_NAME, SIDECAR_NAME } from './containers.ts';
import type { PodView } from './pod.ts';
import { agentVolumes, secretMounts } from './volumes.ts';

export interface Mutation {
  readonly pod: Pod;
  readonly errors: readonly FieldError[];
  readonly warnings: readonly string[];
}

export function mutatePod(view: PodView, spec: AgentSpec): Mutation {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  // Copy-on-write: only the objects that change are copied, so the original stays intact for the
  // diff without paying for a deep clone of the whole pod.
  const s: NonNullable<Pod['spec']> = { ...view.pod.spec, containers: [...view.containers] };
  const pod: Pod = { ...view.pod, spec: s };
  s.volumes = addVolumes(s.volumes ?? [], agentVolumes(spec), errors);
  const mounts = secretMounts(spec);
  s.containers = s.containers.map((c) => (spec.injectContainers.has(c.name) ? withMounts(c, mounts, errors) : c));
  const agents = buildAgents(spec, errors, warnings);
  for (const c of [...view.containers, ...view.initContainers]) {
    if (c.name === INIT_NAME || c.name === SIDECAR_NAME) {
      errors.push({
        field: `${VAULT_PREFIX}agent-inject`,
        message: `the pod already has a container named "${c.name}"`,
      });
    }
  }
  const mountInit = spec.prePopulate || spec.nativeSidecar;
  const existingInit = view.initContainers.map((c) => (mountInit ? withMounts(c, mounts, errors) : c));
  if (existingInit.length > 0) s.initContainers = existingInit;
  if (agents.init !== undefined) {
    const first = spec.nativeSidecar || spec.initFirst;
    s.initContainers = first ? [agents.init, ...existingInit] : [...existingInit, agents.init];
  }
  if (agents.sidecar !== undefined) s.containers = [...s.containers, agents.sidecar];
  if (spec.shareProcessNamespace !== undefined) s.shareProcessNamespace = spec.shareProcessNamespace;
  pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, [STATUS_KEY]: STATUS_INJECTED } };
  return { pod, errors, warnings };
}

function buildAgents(
  spec: AgentSpec,
  errors: FieldError[],
  warnings: string[],
): { init?: Container; sidecar?: Container } {
  const patched = (c: Container, ops: AgentSpec['sidecarPatch'], name: string): Container | undefined => {
    const r = patchContainer(c, ops, VAULT_PREFIX + name);
    if ('field' in r) {
      errors.push(r);
      return undefined;
    }
    return r;
  };
  if (spec.nativeSidecar) {
    if (spec.initPatch.length > 0)
      warnings.push('agent-init-json-patch is ignored with a native sidecar; use agent-json-patch');
    const init = patched(buildAgentContainer(spec, 'native'), spec.sidecarPatch, 'agent-json-patch');
    return init === undefined ? {} : { init };
  }
  const out: { init?: Container; sidecar?: Container } = {};
  if (spec.prePopulate) {
    const init = patched(buildAgentContainer(spec, 'init'), spec.initPatch, 'agent-init-json-patch');
    if (init !== undefined) out.init = init;
  }
  if (!spec.prePopulateOnly) {
    const sidecar = patched(buildAgentContainer(spec, 'sidecar'), spec.sidecarPatch, 'agent-json-patch');
    if (sidecar !== undefined) out.sidecar = sidecar;
  }
  return out;
}

function addVolumes(existing: Volume[], added: readonly Volume[], errors: FieldError[]): Volume[] {
  const names = new Set(existing.map((v) => v.name));
  for (const v of added) {
    if (names.has(v.name)) {
      errors.push({
        field: `${VAULT_PREFIX}agent-inject`,
        message: `the pod already has a volume named "${v.name}", which the agent needs`,
      });
    }
  }
  return [...existing, ...added];
}

function withMounts(c: Container, mounts: readonly VolumeMount[], errors: FieldError[]): Container {
  const existing = c.volumeMounts ?? [];
  const paths = new Set(existing.map((m) => m.mountPath));
  for (const m of mounts) {
    if (paths.has(m.mountPath)) {
      errors.push({
        field: `${VAULT_PREFIX}secret-volume-path`,
        message: `container "${c.name}" already mounts a volume at ${m.mountPath}`,
      });
    }
  }
  return { ...c, volumeMounts: [...existing, ...mounts.map((m) => ({ ...m }))] };
}
