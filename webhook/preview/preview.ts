// The pure half of `vaultlet preview`: YAML text in, the webhook's decision for every pod in it
// out (mutated YAML or JSON patches, warnings, denials). main.ts does the I/O and exit codes.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments, stringify } from 'yaml';
import { AppError } from '../../shared/errors.ts';
import type { AdmitFn } from '../admission/review.ts';
import { findPodTarget, isRecord, withPod, type Json, type PodTarget } from './workloads.ts';
import { admitServiceAccount } from './service-account-admission.ts';
import { asksForInjection } from '../inject/admit.ts';

export class PreviewInputError extends AppError {
  constructor(message: string) {
    super('WHK_PREVIEW_INPUT', message);
  }
}

export interface PreviewOptions {
  readonly admit: AdmitFn;
  /** --namespace; else each object's metadata.namespace; else "default". */
  readonly namespace?: string;
  /** Print JSON patches instead of mutated objects. */
  readonly patchOnly: boolean;
  /** Mount the service-account token first, as the API server does before webhooks (default true). */
  readonly serviceAccountAdmission?: boolean;
}

export interface PreviewMessage {
  readonly level: 'note' | 'warning' | 'denied';
  /** `Kind/name` of the object. */
  readonly object: string;
  readonly text: string;
}

export interface PreviewResult {
  readonly output: string;
  readonly messages: readonly PreviewMessage[];
  readonly denied: number;
  readonly injected: number;
}

interface ObjectOutcome {
  readonly output: string;
  readonly messages: PreviewMessage[];
  readonly denied: boolean;
  readonly injected: boolean;
}

export function parseManifests(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  const objects: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const pos = first.linePos?.[0];
      const where = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`;
      throw new PreviewInputError(`document ${i + 1}: not valid YAML (${first.code})${where}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

function misplacedWarning(target: PodTarget): PreviewMessage[] {
  if (target.misplacedAnnotations.length === 0) return [];
  const text =
    `${target.misplacedAnnotations.join(', ')} ${target.misplacedAnnotations.length === 1 ? 'is' : 'are'} on the ${target.kind}'s own metadata; ` +
    `the injector only sees the pod template's annotations (${target.pointer.slice(1).replaceAll('/', '.')}.metadata.annotations), so these have no effect`;
  return [{ level: 'warning', object: `${target.kind}/${target.name}`, text }];
}

function namespaceOf(obj: Json, override: string | undefined): string {
  if (override !== undefined && override !== '') return override;
  const metadata = obj['metadata'];
  const ns = isRecord(metadata) ? metadata['namespace'] : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

function prefixed(patch: readonly Operation[], pointer: string): Operation[] {
  if (pointer === '') return [...patch];
  return patch.map((op) => ({ ...op, path: pointer + op.path, ...('from' in op ? { from: pointer + op.from } : {}) }) as Operation);
}

function previewObject(obj: unknown, options: PreviewOptions): ObjectOutcome {
  const target = isRecord(obj) ? findPodTarget(obj) : undefined;
  if (target === undefined || !isRecord(obj)) {
    return { output: options.patchOnly ? '' : stringify(obj), messages: [], denied: false, injected: false };
  }
  const label = `${target.kind}/${target.name}`;
  const messages = misplacedWarning(target);
  const simulate = options.serviceAccountAdmission !== false && asksForInjection({ object: target.pod, namespace: undefined });
  const withToken = simulate ? admitServiceAccount(target.pod) : undefined;
  if (withToken !== undefined) {
    messages.push({ level: 'note', object: label, text: 'added the service-account token volume the API server mounts before webhooks run' });
  }
  const pod = withToken ?? target.pod;
  const decision = options.admit({ object: structuredClone(pod), namespace: namespaceOf(obj, options.namespace), operation: 'CREATE' });
  for (const text of decision.warnings) messages.push({ level: 'warning', object: label, text });
  if (!decision.allowed) {
    messages.push({ level: 'denied', object: label, text: decision.message });
    return { output: '', messages, denied: true, injected: false };
  }
  if (options.patchOnly) {
    const patch = prefixed(decision.patch, target.pointer);
    return { output: `# ${label}\n${JSON.stringify(patch, null, 2)}\n`, messages, denied: false, injected: patch.length > 0 };
  }
  // A JSON copy of the operations: their values may share nodes (diffJson emits the mutated clone's
  // own nodes), which the YAML printer would show as anchors and aliases.
  const ops = JSON.parse(JSON.stringify(decision.patch)) as Operation[];
  const mutated = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument;
  return { output: stringify(withPod(obj, target, mutated)), messages, denied: false, injected: decision.patch.length > 0 };
}

export function previewManifests(text: string, options: PreviewOptions): PreviewResult {
  const outcomes = parseManifests(text).map((obj) => previewObject(obj, options));
  const outputs = outcomes.map((o) => o.output).filter((o) => o !== '');
  return {
    output: options.patchOnly ? outputs.join('') : outputs.join('---\n'),
    messages: outcomes.flatMap((o) => o.messages),
    denied: outcomes.filter((o) => o.denied).length,
    injected: outcomes.filter((o) => o.injected).length,
  };
}
