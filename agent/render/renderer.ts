// Drives the templates through the TemplateEngine interface: render, fetch what was missing,
// render again until complete; write only complete output (atomically, only on change); run the
// command / POST the reload URL only when the bytes changed. A failing template is isolated: the
// others still render. A template's `file` reads and `writeToFile` writes
// are confined by its sandbox_path (template-files.ts); writes also go through the output port's
// destination check, like the rendered file itself.
import type { Logger } from '../../shared/logger.ts';
import { AppError, toError } from '../../shared/errors.ts';
import type { TemplateSettings } from '../config/settings.ts';
import type { CompiledTemplate, FileWrite, InterfaceAddress, RenderContext, SecretRequest, VaultResponse } from './engine.ts';
import { checkOwner, checkWriteInSandbox, MAX_TEMPLATE_FILE_BYTES, readTemplateFile, TemplateFileError, type TemplateFiles } from './template-files.ts';
import { nodeInterfaces, nodeTemplateFiles } from './node-template-files.ts';
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
  /** Unused since templates read through `files`; kept for callers that still pass it. */
  readonly readFile?: (path: string) => string;
  /** What `file` and `writeToFile` reach; default the agent's filesystem. */
  readonly files?: TemplateFiles;
  /** Network addresses for `sockaddr`; default the host's. */
  readonly interfaces?: () => readonly InterfaceAddress[];
  /** Uniform in [0, 1), for Sprig's randInt and shuffle; default Math.random. */
  readonly random?: () => number;
  readonly now: () => Date;
  /** Init-container mode: the app is not running yet, so reload URLs are not called. */
  readonly notifyApps: boolean;
  /** The most bytes one rendered file (or one writeToFile write) may hold; default MAX_RENDERED_BYTES. */
  readonly maxOutputBytes?: number;
}

/**
 * One file's worth: far more than any secret, certificate bundle or config a pod reads, and small
 * enough that the in-memory secret volume (counted against the pod's memory) is not filled by one
 * runaway template (a `loop` with a huge bound).
 */
export const MAX_RENDERED_BYTES = 16 * 1024 * 1024;

/** A render produced more than one file may hold: nothing is written, the last file stays. */
export class RenderTooLargeError extends AppError {
  constructor(destination: string, bytes: number, max: number) {
    super(
      'AGT_RENDER_TOO_LARGE',
      `rendered output for ${destination} is ${bytes} bytes, more than the ${max} one file may hold; the file is not written`,
    );
  }
}

export class Renderer {
  readonly #deps: RendererDeps;
  readonly #files: TemplateFiles;
  readonly #contexts = new WeakMap<TemplateSettings, RenderContext>();

  constructor(deps: RendererDeps) {
    this.#deps = deps;
    this.#files = deps.files ?? nodeTemplateFiles;
  }

  /** Each template's context: its sandbox_path confines `file`, its function_denylist applies. */
  #context(settings: TemplateSettings): RenderContext {
    let context = this.#contexts.get(settings);
    if (context === undefined) {
      const { sandboxPath, functionDenylist } = settings;
      const deps = this.#deps;
      const files = this.#files;
      const interfaces = deps.interfaces ?? nodeInterfaces;
      context = {
        lookup: (r) => deps.secrets.lookup(r),
        env: deps.env,
        readFile: (path) => readTemplateFile(path, sandboxPath, files),
        now: deps.now,
        interfaces,
        random: deps.random ?? Math.random,
        ...(functionDenylist !== undefined ? { functionDenylist } : {}),
      };
      this.#contexts.set(settings, context);
    }
    return context;
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
    const context = this.#context(job.settings);
    let result = job.compiled.render(context);
    for (let pass = 1; !result.complete && pass < MAX_PASSES; pass++) {
      await this.#deps.secrets.ensure(result.missing, job.settings.destination);
      result = job.compiled.render(context);
    }
    job.dependencies = new Set(result.dependencies.map((d) => d.key));
    if (!result.complete) throw new Error(`template for ${job.settings.destination} still misses data after ${MAX_PASSES} passes`);
    const { settings } = job;
    const { output, log } = this.#deps;
    // Checked before anything is written: an oversized render changes no file, the last good one stays.
    this.#checkSize(settings.destination, result.output);
    for (const write of result.fileWrites ?? []) this.#checkSize(write.path, write.content);
    for (const write of result.fileWrites ?? []) await this.#writeToFile(settings, write);
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

  #checkSize(destination: string, content: string): void {
    const max = this.#deps.maxOutputBytes ?? MAX_RENDERED_BYTES;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most outputs are judged without counting.
    if (content.length * 3 <= max) return;
    const bytes = Buffer.byteLength(content);
    if (bytes > max) throw new RenderTooLargeError(destination, bytes, max);
  }

  /** A `writeToFile` call: confined to the sandbox and the destination roots, written atomically. */
  async #writeToFile(settings: TemplateSettings, write: FileWrite): Promise<void> {
    const files = this.#files;
    if (settings.sandboxPath !== undefined) checkWriteInSandbox(write.path, settings.sandboxPath, files);
    checkOwner(write.user, write.group, files);
    const path = this.#deps.output.resolveDestination(write.path, settings.destinationRoots);
    let content = write.newline ? `${write.content}\n` : write.content;
    if (write.append) {
      let existing = '';
      try {
        // The path itself, not its target: a symlink planted there must not pull another file in.
        existing = files.readRegular(path, MAX_TEMPLATE_FILE_BYTES);
      } catch (err) {
        if (!isMissing(files, path)) throw new TemplateFileError(`writeToFile: cannot append to ${JSON.stringify(write.path)}`, { cause: err });
      }
      content = existing + content;
    }
    const changed = await this.#deps.output.write(path, content, { mode: write.mode, createDirs: true });
    if (changed) this.#deps.log.info({ event: 'wrote-file', destination: settings.destination, path, bytes: Buffer.byteLength(content) }, 'writeToFile wrote a file');
  }
}

function isMissing(files: TemplateFiles, path: string): boolean {
  try {
    files.realpath(path);
    return false;
  } catch {
    return true;
  }
}
