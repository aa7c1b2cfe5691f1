// Applies an AgentSpec to a clone of the pod. The patch is then the diff
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
  errors.push(...renamedClashes(view, agents, spec.nativeSidecar));
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
  // vault-k8s ignores the patch of a container it does not create; so does vaultlet, out loud.
  if (!spec.prePopulate && spec.initPatch.length > 0)
    warnings.push('agent-init-json-patch is ignored: agent-pre-populate is false, so there is no init container');
  if (spec.prePopulateOnly && spec.sidecarPatch.length > 0)
    warnings.push('agent-json-patch is ignored: agent-pre-populate-only is true, so there is no sidecar');
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

/**
 * A JSON patch that renames an agent container to a name another container already has: the API
 * server would reject the pod, so it is denied here, naming the patch. (Clashes with the default
 * names are reported above, under agent-inject.)
 */
function renamedClashes(
  view: PodView,
  agents: { init?: Container; sidecar?: Container },
  native: boolean,
): FieldError[] {
  const owners = new Map<string, string | undefined>();
  for (const c of [...view.containers, ...view.initContainers]) owners.set(c.name, undefined);
  const errors: FieldError[] = [];
  const initKey = `${VAULT_PREFIX}${native ? 'agent-json-patch' : 'agent-init-json-patch'}`;
  const placed: [Container | undefined, string, string][] = [
    [agents.init, initKey, native ? SIDECAR_NAME : INIT_NAME],
    [agents.sidecar, `${VAULT_PREFIX}agent-json-patch`, SIDECAR_NAME],
  ];
  for (const [c, key, defaultName] of placed) {
    if (c === undefined) continue;
    const renamed = c.name !== defaultName;
    if (owners.has(c.name)) {
      const owner = owners.get(c.name);
      const field = renamed ? key : owner;
      if (field !== undefined)
        errors.push({
          field,
          message: `gives an agent container the name "${c.name.slice(0, 63)}", which another container of the pod has`,
        });
    }
    owners.set(c.name, renamed ? key : undefined);
  }
  return errors;
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
