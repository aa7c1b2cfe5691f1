// Drives the templates through the TemplateEngine interface: render, fetch what was missing,
// render again until complete; write only complete output (atomically, only on change); run the
// command / POST the reload URL only when the bytes changed. A failing template is isolated: the
// others still render (spec/agent.md §6 #12).
import type { Logger } from '../../shared/logger.ts';
import { toError } from '../../shared/errors.ts';
import type { TemplateSettings } from '../config/settings.ts';
import type { CompiledTemplate, RenderContext, SecretRequest, VaultResponse } from './engine.ts';
import { errSummary } from '../auth/token-manager.ts';

/** Passes before a template whose dependencies keep changing is declared incomplete. */
const MAX_PASSES = 25;

export interface OutputPort {
  /** Sandbox check; returns the cleaned path or throws WriteError naming the destination. */
  resolveDestination(destination: string, roots: readonly string[]): string;
  /** Atomic write; resolves false when the bytes were already there. */
  write(path: string, content: string, options: { mode?: number; createDirs: boolean }): Promise<boolean>;
  runCommand(command: string | readonly string[], timeoutMs: number): Promise<unknown>;
  notifyReload(url: string): Promise<unknown>;
}

export interface SecretSource {
  lookup(request: SecretRequest): VaultResponse | undefined;
  /** `destination`: the file of the template asking (lets pkiCert reuse a valid certificate). */
  ensure(requests: readonly SecretRequest[], destination?: string): Promise<void>;
}

export interface TemplateJob {
  readonly settings: TemplateSettings;
  readonly compiled: CompiledTemplate;
  /** Request keys used by the last evaluation. */
  dependencies: ReadonlySet<string>;
  rendered: boolean;
}

export interface RenderFailure {
  readonly destination: string;
  readonly error: Error;
}

export interface RendererDeps {
  readonly secrets: SecretSource;
  readonly output: OutputPort;
  readonly log: Logger;
  readonly env: (name: string) => string | undefined;
  readonly readFile: (path: string) => string;
  readonly now: () => Date;
  /** Init-container mode: the app is not running yet, so reload URLs are not called. */
  readonly notifyApps: boolean;
}

export class Renderer {
  readonly #deps: RendererDeps;
  readonly #context: RenderContext;

  constructor(deps: RendererDeps) {
    this.#deps = deps;
    this.#context = {
      lookup: (r) => deps.secrets.lookup(r),
      env: deps.env,
      readFile: deps.readFile,
      now: deps.now,
    };
  }

  /** Renders every job; returns the failures (empty when all are written or unchanged). */
  async renderAll(jobs: readonly TemplateJob[]): Promise<RenderFailure[]> {
    const results = await Promise.all(jobs.map(async (job) => {
      try {
        await this.#renderOne(job);
        return undefined;
      } catch (err) {
        const error = toError(err);
        this.#deps.log.error({ event: 'render-failed', destination: job.settings.destination, err: errSummary(error) }, 'template not rendered');
        return { destination: job.settings.destination, error };
      }
    }));
    return results.filter((r): r is RenderFailure => r !== undefined);
  }

  async #renderOne(job: TemplateJob): Promise<void> {
    let result = job.compiled.render(this.#context);
    for (let pass = 1; !result.complete && pass < MAX_PASSES; pass++) {
      await this.#deps.secrets.ensure(result.missing, job.settings.destination);
      result = job.compiled.render(this.#context);
    }
    job.dependencies = new Set(result.dependencies.map((d) => d.key));
    if (!result.complete) throw new Error(`template for ${job.settings.destination} still misses data after ${MAX_PASSES} passes`);
    const { settings } = job;
    const { output, log } = this.#deps;
    const path = output.resolveDestination(settings.destination, settings.destinationRoots);
    const changed = await output.write(path, result.output, { ...(settings.perms !== undefined ? { mode: settings.perms } : {}), createDirs: settings.createDestDirs });
    job.rendered = true;
    if (!changed) {
      log.debug({ event: 'render-unchanged', destination: path }, 'rendered file unchanged');
      return;
    }
    log.info({ event: 'rendered', destination: path, bytes: Buffer.byteLength(result.output) }, 'rendered file written');
    if (settings.command !== undefined) await output.runCommand(settings.command, settings.commandTimeoutMs);
    if (settings.reloadUrl !== undefined && this.#deps.notifyApps) {
      output.notifyReload(settings.reloadUrl).catch(() => undefined);
    }
  }
}
