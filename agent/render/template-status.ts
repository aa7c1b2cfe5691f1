// Which templates are rendered and which are failing, for the log line the agent writes each time
// that changes: an operator reading the sidecar's log must see a failing template by its
// destination, never a blanket "every template rendered". Pure.
import type { RenderFailure } from './renderer.ts';

export interface TemplateStatus {
  /** Destinations whose last render succeeded (or that have not failed since), in config order. */
  readonly rendered: readonly string[];
  /** Destinations whose last render failed, with the error's code or class (never its message: it may quote data). */
  readonly failed: readonly { readonly destination: string; readonly error: string }[];
}

function errorKind(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : error.name;
}

export function templateStatus(destinations: readonly string[], failures: readonly RenderFailure[]): TemplateStatus {
  const failedBy = new Map(failures.map((f) => [f.destination, errorKind(f.error)]));
  return {
    rendered: destinations.filter((d) => !failedBy.has(d)),
    failed: destinations
      .filter((d) => failedBy.has(d))
      .map((destination) => ({ destination, error: failedBy.get(destination) ?? 'Error' })),
  };
}

/** A comparable form: the same set of failing destinations (and causes) gives the same key. */
export function statusKey(status: TemplateStatus): string {
  return JSON.stringify(status.failed);
}
