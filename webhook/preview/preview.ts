// The pure half of `vaultlet preview`: YAML text in, the webhook's decision for every pod in it
// out (mutated YAML or JSON patches, warnings, denials). main.ts does the I/O and exit codes.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { stringify } from 'yaml';
import type { AdmitFn } from '../admission/review.ts';
import { findPodTarget, isRecord, withPod, type Json, type PodTarget } from './workloads.ts';
import { admitServiceAccount } from './service-account-admission.ts';
import { asksForInjection } from '../inject/admit.ts';
import { parseManifests } from './yaml-input.ts';

export { PreviewInputError, parseManifests } from './yaml-input.ts';

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
  /** Objects read from the input (the items of a List counted one by one). */
  readonly objects: number;
}

/** One object's outcome: what to print, and the patch that turns the object as written into it. */
interface ObjectOutcome {
  /** The object as the preview prints it; undefined when denied. */
  readonly result: unknown;
  /** Operations relative to the object as written (empty when nothing changes). */
  readonly patch: Operation[];
  readonly label: string;
  readonly messages: PreviewMessage[];
  readonly denied: number;
  readonly injected: number;
  readonly objects: number;
}

// Block scalars as written (`|`), never folded (`>`) or cut at 80 columns: templates must read as
// their authors wrote them.
const YAML_OUT = Object.freeze({ blockQuote: 'literal', lineWidth: 0, minContentWidth: 0 } as const);

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
  return patch.map(
    (op) => ({ ...op, path: pointer + op.path, ...('from' in op ? { from: pointer + op.from } : {}) }) as Operation,
  );
}

function labelOf(obj: unknown): string {
  if (!isRecord(obj)) return 'document';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : 'object';
  const metadata = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  return name === '' ? kind : `${kind}/${name}`;
}

function unchanged(obj: unknown, objects = 1): ObjectOutcome {
  return { result: obj, patch: [], label: labelOf(obj), messages: [], denied: 0, injected: 0, objects };
}

function previewObject(obj: unknown, options: PreviewOptions): ObjectOutcome {
  if (isRecord(obj) && obj['kind'] === 'List' && Array.isArray(obj['items']))
    return previewList(obj, obj['items'] as unknown[], options);
  const target = isRecord(obj) ? findPodTarget(obj) : undefined;
  if (target === undefined || !isRecord(obj)) return unchanged(obj);
  const label = `${target.kind}/${target.name}`;
  const messages = misplacedWarning(target);
  const simulate =
    options.serviceAccountAdmission !== false && asksForInjection({ object: target.pod, namespace: undefined });
  const withToken = simulate ? admitServiceAccount(target.pod) : undefined;
  if (withToken !== undefined) {
    messages.push({
      level: 'note',
      object: label,
      text: 'added the service-account token volume the API server mounts before webhooks run',
    });
  }
  const pod = withToken ?? target.pod;
  const decision = options.admit({
    object: structuredClone(pod),
    namespace: namespaceOf(obj, options.namespace),
    operation: 'CREATE',
  });
  for (const text of decision.warnings) messages.push({ level: 'warning', object: label, text });
  if (!decision.allowed) {
    messages.push({ level: 'denied', object: label, text: decision.message });
    return { result: undefined, patch: [], label, messages, denied: 1, injected: 0, objects: 1 };
  }
  if (decision.patch.length === 0) return { ...unchanged(obj), label, messages };
  // A JSON copy of the operations: their values may share nodes (diffJson emits the mutated clone's
  // own nodes), which the YAML printer would show as anchors and aliases.
  const ops = JSON.parse(JSON.stringify(decision.patch)) as Operation[];
  const mutated = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument;
  // The webhook's patch is relative to the pod it saw, which has the token volume the API server
  // added; the steps that add that volume come first so the patch applies to the file as written.
  const tokenSteps = withToken === undefined ? [] : fastJsonPatch.compare(target.pod, withToken);
  const patch = prefixed([...tokenSteps, ...ops], target.pointer);
  return { result: withPod(obj, target, mutated), patch, label, messages, denied: 0, injected: 1, objects: 1 };
}

/** A `kind: List` (what `kubectl get -o yaml` prints): every item previewed in place. */
function previewList(list: Json, items: readonly unknown[], options: PreviewOptions): ObjectOutcome {
  const outcomes = items.map((item) => previewObject(item, options));
  // A denied item stays as written, so the other items keep their indexes in the patch.
  const resultItems = outcomes.map((o, i) => (o.result === undefined ? items[i] : o.result));
  return {
    result: { ...list, items: resultItems },
    patch: outcomes.flatMap((o, i) => prefixed(o.patch, `/items/${i}`)),
    label: `List (${outcomes.map((o) => o.label).join(', ')})`,
    messages: outcomes.flatMap((o) => o.messages),
    denied: outcomes.reduce((n, o) => n + o.denied, 0),
    injected: outcomes.reduce((n, o) => n + o.injected, 0),
    objects: outcomes.reduce((n, o) => n + o.objects, 0),
  };
}

function render(outcome: ObjectOutcome, patchOnly: boolean): string {
  if (patchOnly)
    return outcome.patch.length === 0 ? '' : `# ${outcome.label}\n${JSON.stringify(outcome.patch, null, 2)}\n`;
  return outcome.result === undefined ? '' : stringify(outcome.result, YAML_OUT);
}

export function previewManifests(text: string, options: PreviewOptions): PreviewResult {
  const outcomes = parseManifests(text).map((obj) => previewObject(obj, options));
  const outputs = outcomes.map((o) => render(o, options.patchOnly)).filter((o) => o !== '');
  return {
    output: options.patchOnly ? outputs.join('') : outputs.join('---\n'),
    messages: outcomes.flatMap((o) => o.messages),
    denied: outcomes.reduce((n, o) => n + o.denied, 0),
    injected: outcomes.reduce((n, o) => n + o.injected, 0),
    objects: outcomes.reduce((n, o) => n + o.objects, 0),
  };
}
