// The one interface between the fetch-and-renew core and the template engines (Go-template and
// Handlebars). Engines are pure: they never do I/O. Dependencies are discovered by evaluation:
// the core renders, collects the requests whose data is missing, fetches them, renders again.
import type { TemplateEngineName } from '../../shared/agent-config.ts';

/** What a template asked Vault for. `key` identifies it: one fetch per key per cycle. */
export interface SecretRequest {
  /** `secret` (read, or write when params are given), `secrets` (LIST), `pkiCert` (PKI issue). */
  readonly kind: 'secret' | 'secrets' | 'pkiCert';
  /** Vault path as written in the template, without the leading `/v1/`. */
  readonly path: string;
  /** `"k=v"` parameters of a write-style `secret` / `pkiCert` call, in template order. */
  readonly params: Readonly<Record<string, string>>;
  readonly key: string;
}

/** A Vault response as JSON, whatever the engine makes of it. */
export interface VaultResponse {
  readonly request_id?: string;
  readonly lease_id: string;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly data: unknown;
  readonly warnings?: readonly string[] | null;
  readonly auth?: unknown;
  readonly wrap_info?: unknown;
}

/** What `secrets` (LIST) yields: the key names, as Vault lists them. */
export type SecretListing = readonly string[];

export interface RenderContext {
  /** The fetched response for a request, or undefined when not fetched yet (the request is then recorded as missing). */
  lookup(request: SecretRequest): VaultResponse | undefined;
  /** Environment of the agent process (the `env` function). */
  env(name: string): string | undefined;
  /** Reads a file for the `file` function; throws when the path is outside the sandbox. */
  readFile(path: string): string;
  /** Current time, for `timestamp`. */
  now(): Date;
  /** The host's network addresses, for `sockaddr`; none when absent. */
  interfaces?(): readonly InterfaceAddress[];
  /** Uniform in [0, 1) for Sprig's randInt and shuffle; Math.random when absent. */
  random?(): number;
  /** The template's `function_denylist`: calls fail the render (`error calling NAME: function is disabled`). */
  readonly functionDenylist?: readonly string[];
}

/** One address of a network interface (what node:os networkInterfaces lists). */
export interface InterfaceAddress {
  readonly name: string;
  readonly address: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly internal: boolean;
}

/**
 * A `writeToFile` call of a complete render. Engines never write: the renderer performs these
 * through the agent's output port after the render, confined like the template's destination.
 */
export interface FileWrite {
  readonly path: string;
  /** Owner and group as given ("" keeps the agent's own). */
  readonly user: string;
  readonly group: string;
  readonly mode: number;
  readonly content: string;
  readonly append: boolean;
  readonly newline: boolean;
}

export interface RenderResult {
  /** True when every dependency had data; only then is `output` meaningful and written. */
  readonly complete: boolean;
  readonly output: string;
  /** Every request the template made in this evaluation (for renewal bookkeeping). */
  readonly dependencies: readonly SecretRequest[];
  /** The subset that had no data yet. */
  readonly missing: readonly SecretRequest[];
  /** `writeToFile` calls, in template order (only meaningful when complete). */
  readonly fileWrites?: readonly FileWrite[];
}

export interface CompileOptions {
  /** Used in error messages: the destination or template name, never the content. */
  readonly name: string;
  readonly leftDelimiter?: string;
  readonly rightDelimiter?: string;
  /** Missing map keys are errors instead of `<no value>` (Go) / empty (Handlebars). */
  readonly errorOnMissingKey?: boolean;
}

export interface CompiledTemplate {
  /**
   * Set when the template needs code the engine loads on demand (the Go engine's YAML support);
   * await it before the first render. Start-up: most templates never pay for that code.
   */
  readonly ready?: Promise<void>;
  /** Throws TemplateRenderError (message free of secret values) on a render-time error. */
  render(context: RenderContext): RenderResult;
}

export interface TemplateEngine {
  readonly name: TemplateEngineName;
  /** Parses once; throws TemplateSyntaxError with line and column on bad syntax. */
  compile(source: string, options: CompileOptions): CompiledTemplate;
}

/** Canonical request key: kind, path and sorted params. */
export function secretRequestKey(kind: SecretRequest['kind'], path: string, params: Readonly<Record<string, string>>): string {
  const p = Object.keys(params).sort().map((k) => `${k}=${params[k] ?? ''}`).join('&');
  return `${kind}:${path.replace(/^\/+/, '')}${p === '' ? '' : `?${p}`}`;
}
