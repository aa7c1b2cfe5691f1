// admitPod: the pure decision and patch for one pod. Synchronous, never
// throws: bad objects are 400s, the pod's own mistakes are denials listing every bad annotation,
// and anything unexpected fails closed with a 500.
import type { Operation } from 'fast-json-patch';
import type { FieldError } from '../../shared/errors.ts';
import { parseWeakBool } from '../../shared/parse/go-bool.ts';
import type { WebhookConfig } from '../config.ts';
import { formatAnnotationErrors, InvalidObjectError } from '../errors.ts';
import { STATUS_INJECTED, STATUS_KEY, VAULT_PREFIX } from '../annotations/keys.ts';
import { MAX_PATCH_BYTES } from '../annotations/limits.ts';
import { AnnotationReader } from '../annotations/reader.ts';
import { unknownKeyWarnings } from '../annotations/suggest.ts';
import { type AgentSpec, readAgentSpec } from './agent-spec.ts';
import { diffJson } from './diff.ts';
import { type AgentCapabilities, VAULTLET_AGENT_CAPABILITIES } from './image-capabilities.ts';
import { mutatePod } from './mutate.ts';
import { type PodView, readPod } from './pod.ts';
import { secretPathErrors } from './secret-paths.ts';

export interface AdmitInput {
  readonly object: unknown;
  readonly namespace: string | undefined;
  readonly operation?: string;
}

export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only' | 'none';

export type AdmitResult =
  | {
      readonly allowed: true;
      /** Values may share nodes with the input object: serialise it, or apply it to a copy. */
      readonly patch: readonly Operation[];
      /** Exactly JSON.stringify(patch), when the decision made it already (the response reuses it). */
      readonly patchJson?: string;
      readonly warnings: readonly string[];
      readonly injection: InjectionType;
      readonly reason: string;
    }
  | {
      readonly allowed: false;
      readonly message: string;
      readonly warnings: readonly string[];
      readonly code: 400 | 403 | 500;
    };

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public']);
/** kubectl prints every warning; past this many, the rest are counted in one line. */
export const MAX_WARNINGS = 30;
const INJECT_KEY = `${VAULT_PREFIX}agent-inject`;

/**
 * Whether admitPod has real work to do for this input: a CREATE of an object that carries the
 * agent-inject annotation. Everything else is decided in a couple of microseconds, with no patch.
 * Never throws, whatever the object.
 */
export function asksForInjection(input: AdmitInput): boolean {
  if (input.operation !== undefined && input.operation !== 'CREATE') return false;
  const object = input.object;
  if (typeof object !== 'object' || object === null) return false;
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return false;
  const annotations = (metadata as { annotations?: unknown }).annotations;
  if (typeof annotations !== 'object' || annotations === null) return false;
  return Object.hasOwn(annotations, INJECT_KEY);
}

/**
 * The answers to a pod that asks for no agent, frozen and shared: review-json.ts gives the same ones
 * to a pod too large to parse.
 */
export const NOT_ASKING: AdmitResult = unchanged('the pod does not ask for injection');
export const INJECT_FALSE: AdmitResult = unchanged('agent-inject is false');

function unchanged(reason: string): AdmitResult {
  return Object.freeze({
    allowed: true,
    patch: Object.freeze([]),
    warnings: Object.freeze([]),
    injection: 'none',
    reason,
  });
}

/** `capabilities`: what vaultlet's agent image implements (tests inject other tables). */
export function admitPod(
  input: AdmitInput,
  config: WebhookConfig,
  capabilities: AgentCapabilities = VAULTLET_AGENT_CAPABILITIES,
): AdmitResult {
  try {
    return decide(input, config, capabilities);
  } catch (err) {
    if (err instanceof InvalidObjectError) return deny(400, err.message, []);
    return deny(500, 'internal error while building the injection patch', []);
  }
}

function decide(input: AdmitInput, config: WebhookConfig, capabilities: AgentCapabilities): AdmitResult {
  if (input.operation !== undefined && input.operation !== 'CREATE') {
    return allow(`operation ${input.operation.slice(0, 20)} is not mutated`);
  }
  const view = readPod(input.object);
  const opted = view.annotations.get(INJECT_KEY);
  if (opted === undefined) return NOT_ASKING;
  let inject: boolean;
  try {
    inject = parseWeakBool(opted);
  } catch (err) {
    return deny(400, formatAnnotationErrors([{ field: INJECT_KEY, message: (err as Error).message }]), []);
  }
  if (!inject) return INJECT_FALSE;
  const phase = view.pod.status?.phase;
  if (typeof phase === 'string' && phase !== '' && phase !== 'Pending')
    return allow(`the pod is ${phase.slice(0, 20)}, not Pending`);
  if (view.annotations.get(STATUS_KEY) === STATUS_INJECTED) return allow('the pod is already injected');
  const namespace = input.namespace ?? '';
  if (SYSTEM_NAMESPACES.has(namespace)) return deny(403, `cannot inject into system namespaces: ${namespace}`, []);
  if (namespace === '') return deny(400, 'the admission request has no namespace', []);
  return injectPod(view, config, capabilities);
}

function injectPod(view: PodView, config: WebhookConfig, capabilities: AgentCapabilities): AdmitResult {
  const reader = new AnnotationReader(view.annotations);
  // Only the keys the reader's one pass could not place: the others are known by construction.
  const warnings = unknownKeyWarnings(reader.unknownKeys());
  const spec = readAgentSpec(reader, view, config, warnings, capabilities);
  if (addsNoAgent(spec)) {
    warnings.push(
      'agent-pre-populate-only is true while agent-pre-populate is false: no agent container is added (as with vault-k8s), only the secret volumes',
    );
  }
  reader.errors.push(...secretPathErrors(spec));
  // The spec carries safe fallbacks for bad values, so the pod is still built: problems found while
  // building (a patch that does not apply, a clashing volume) join the same single denial.
  const mutation = mutatePod(view, spec);
  warnings.push(...mutation.warnings);
  const errors = [...reader.errors, ...mutation.errors];
  if (errors.length > 0) return deny(400, formatAnnotationErrors(uniqueSorted(errors)), capWarnings(warnings));
  // A structural diff of the original against the mutated clone: compare()'s ops and JSON text,
  // its values not copied (diff.ts), since the patch leaves here to be serialised.
  const patch = diffJson(view.pod, mutation.pod, 'shared');
  // The response carries the patch (base64); the patched pod must still fit in etcd.
  const patchJson = JSON.stringify(patch);
  const patchBytes = Buffer.byteLength(patchJson);
  if (patchBytes > MAX_PATCH_BYTES) {
    return deny(
      400,
      formatAnnotationErrors([
        {
          field: `${VAULT_PREFIX}agent-inject`,
          message: `the injection patch would be ${patchBytes} bytes, more than the ${MAX_PATCH_BYTES} bytes the webhook returns for one pod (fewer or smaller templates)`,
        },
      ]),
      capWarnings(warnings),
    );
  }
  return {
    allowed: true,
    patch,
    patchJson,
    warnings: capWarnings(warnings),
    injection: injectionType(spec),
    reason: 'injected',
  };
}

/** vault-k8s admits this combination and adds no agent; so does vaultlet, with a warning. */
function addsNoAgent(spec: AgentSpec): boolean {
  return !spec.nativeSidecar && !spec.prePopulate && spec.prePopulateOnly;
}

function injectionType(spec: AgentSpec): InjectionType {
  if (addsNoAgent(spec)) return 'none';
  if (spec.nativeSidecar || (spec.prePopulate && !spec.prePopulateOnly)) return 'init_and_sidecar';
  return spec.prePopulateOnly ? 'init_only' : 'sidecar_only';
}

function uniqueSorted(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of [...errors].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))) {
    const k = `${e.field}\n${e.message}`;
    if (!seen.has(k)) out.push(e);
    seen.add(k);
  }
  return out;
}

function capWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return [...warnings];
  const more = warnings.length - (MAX_WARNINGS - 1);
  return [...warnings.slice(0, MAX_WARNINGS - 1), `${more} more warnings not shown`];
}

function allow(reason: string): AdmitResult {
  return { allowed: true, patch: [], warnings: [], injection: 'none', reason };
}

function deny(code: 400 | 403 | 500, message: string, warnings: readonly string[]): AdmitResult {
  return { allowed: false, code, message, warnings };
}
