// The agent's orchestrator: auth → first render → (init) hand-off state and exit, or (sidecar)
// keep files current until stopped. Decisions live in the modules it wires; this file only
// sequences them and turns outcomes into an exit code.
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/backoff.ts';
import { backoffDelay } from '../shared/backoff.ts';
import type { Logger } from '../shared/logger.ts';
import { AppError, toError } from '../shared/errors.ts';
import type { AgentSettings } from './config/settings.ts';
import type { VaultClient } from './vault/client.ts';
import { TokenManager, errSummary } from './auth/token-manager.ts';
import { createLoginMethod } from './auth/login-methods.ts';
import { readOnlyCredentialFiles, type CredentialFiles } from './auth/credential-files.ts';
import { createCloudHttp } from './auth/cloud-http.ts';
import { SecretFetcher } from './secrets/fetcher.ts';
import { DependencyManager } from './secrets/dependency-manager.ts';
import type { FetchFailedError } from './errors.ts';
import { Renderer, type OutputPort, type RenderFailure, type TemplateJob } from './render/renderer.ts';
import type { EngineLoader } from './render/engines.ts';
import { HANDOFF_FILE, HANDOFF_MODE, parseHandoff, serializeHandoff, type HandoffState } from './state/handoff.ts';
import { Sleeper } from './schedule/sleeper.ts';
import { statusKey, templateStatus } from './render/template-status.ts';
import { trimTrailing } from '../shared/string-ends.ts';

export interface RunnerDeps {
  readonly settings: AgentSettings;
  readonly client: VaultClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  /** Synchronous read (JWT, template sources, the hand-off file, the `file` function). */
  readonly readFile: (path: string) => string;
  readonly output: OutputPort;
  readonly markReady: (path: string) => Promise<void>;
  readonly engines: EngineLoader;
  readonly env: (name: string) => string | undefined;
  /** Credential files the auth method reads and may delete; default: readFile, no deletion. */
  readonly credentialFiles?: CredentialFiles;
  /** Client for the logins when they need their own TLS identity (cert auth); default `client`. */
  readonly loginClient?: VaultClient;
  /** Resolves once pending I/O has had a turn (default: setImmediate). */
  readonly yieldToIo?: () => Promise<void>;
}

const yieldWithSetImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface RunOutcome {
  readonly code: number;
  /** Why the agent stopped with a non-zero code; the message names the path or the login problem. */
  readonly error?: Error;
}

/** Templates could not all be rendered. The message lists each destination and its cause. */
export class RenderIncompleteError extends AppError {
  readonly failures: readonly RenderFailure[];
  constructor(failures: readonly RenderFailure[]) {
    super('AGT_RENDER', `${failures.length} template(s) not rendered:\n${failures.map((f) => `  ${f.destination}: ${f.error.message}`).join('\n')}`);
    this.failures = failures;
  }
}

const RESTART_BACKOFF = Object.freeze({ initialMs: 1000, maxMs: 300_000, multiplier: 2, jitter: 0.25, mode: 'reduce' as const });

export class Runner {
  readonly #deps: RunnerDeps;
  readonly #sleeper: Sleeper;
  readonly #tokens: TokenManager;
  readonly #secrets: DependencyManager;
  readonly #renderer: Renderer;
  #jobs: TemplateJob[] = [];
  #finish: (outcome: RunOutcome) => void = () => undefined;
  readonly #finished: Promise<RunOutcome>;
  #rendering: Promise<void> | undefined;
  #renderAgain = false;
  #stopped = false;
  #firstRenderDone = false;
  #lastStatus: string | undefined;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    const { settings, client, clock, random, log } = deps;
    this.#sleeper = new Sleeper(clock);
    this.#finished = new Promise((resolve) => { this.#finish = resolve; });
    this.#tokens = new TokenManager({
      client, clock, random, log: log.child({ component: 'auth' }), auth: settings.auth, sinks: settings.sinks,
      method: createLoginMethod(settings.auth, {
        files: deps.credentialFiles ?? readOnlyCredentialFiles(deps.readFile), client, cloud: createCloudHttp({ timeoutMs: settings.vault.timeoutMs }), clock, log: log.child({ component: 'auth' }),
      }),
      ...(deps.loginClient !== undefined ? { loginClient: deps.loginClient } : {}),
      writeSink: (path, token, mode) => deps.output.write(path, token, { mode, createDirs: false }),
      once: settings.exitAfterAuth,
    });
    const tc = settings.templateConfig;
    this.#secrets = new DependencyManager({
      client, fetcher: new SecretFetcher(client, deps.yieldToIo), tokens: this.#tokens, clock, random, log: log.child({ component: 'secrets' }), fetchOnly: settings.exitAfterAuth,
      policy: { numRetries: settings.vault.numRetries, retryInitialMs: tc.retryInitialMs, retryMaxMs: tc.retryMaxMs, staticIntervalMs: tc.staticSecretRenderIntervalMs, threshold: tc.leaseRenewalThreshold },
      onChange: () => { this.#requestRender(); },
      readDestination: (path) => {
        try {
          return deps.readFile(path);
        } catch {
          return undefined;
        }
      },
      onFetchFailure: (err: FetchFailedError) => {
        if (tc.exitOnRetryFailure) this.#finish({ code: 1, error: err });
      },
    });
    this.#renderer = new Renderer({
      secrets: this.#secrets, output: deps.output, log: log.child({ component: 'render' }), env: deps.env, readFile: deps.readFile,
      now: () => new Date(clock.now()), notifyApps: !settings.exitAfterAuth,
    });
    this.#tokens.onToken((_token, previous) => {
      if (previous !== undefined) this.#secrets.tokenChanged();
    });
  }

  /** Runs until done (init), a fatal error, or stop(); resolves the exit outcome. */
  async run(): Promise<RunOutcome> {
    // #main may still be waiting (a login against an unreachable Vault) when a stop comes: the
    // outcome does not wait for it; shutdown cancels its timers.
    this.#main().catch((err: unknown) => { this.#finish({ code: 1, error: toError(err) }); });
    const outcome = await this.#finished;
    await this.#shutdown();
    return outcome;
  }

  /** The auto-auth token's holder (the listeners' API proxy adds its token). */
  get tokens(): TokenManager {
    return this.#tokens;
  }

  /** Graceful stop (SIGTERM/SIGINT): timers cancelled, run() resolves 0. */
  stop(): void {
    this.#finish({ code: 0 });
  }

  async #main(): Promise<void> {
    const { settings, log } = this.#deps;
    const handoff = this.#loadHandoff();
    // Log in while the templates compile: the login round trip overlaps the CPU work.
    const started = this.#tokens.start({ ...(handoff !== undefined ? { adopt: handoff.token } : {}), onFatal: (error) => { this.#finish({ code: 1, error }); } });
    started.catch(() => undefined);
    this.#jobs = await this.#compile();
    await started;
    if (handoff !== undefined && this.#tokens.current?.token === handoff.token) {
      this.#secrets.adopt(handoff.entries);
      log.info({ event: 'handoff-adopted', secrets: handoff.entries.length }, 'adopted token and secrets from the state directory');
    }
    if (settings.exitAfterAuth) {
      const failures = await this.#renderer.renderAll(this.#jobs);
      this.#reportStatus(failures);
      if (failures.length > 0) throw new RenderIncompleteError(failures);
      await this.#tokens.firstRenewal();
      await this.#afterRender();
      log.info({ event: 'init-done', templates: this.#jobs.length }, 'every template rendered; exiting');
      this.#finish({ code: 0 });
      return;
    }
    for (let attempt = 0; !this.#stopped; attempt++) {
      const failures = await this.#renderer.renderAll(this.#jobs);
      this.#reportStatus(failures);
      if (failures.length === 0) break;
      if (settings.templateConfig.exitOnRetryFailure) throw new RenderIncompleteError(failures);
      const delay = backoffDelay(RESTART_BACKOFF, attempt, this.#deps.random);
      log.warn({ event: 'render-retry', failed: failures.length, retryInMs: delay }, 'templates incomplete; retrying');
      await this.#sleeper.sleep(delay);
    }
    if (this.#stopped) return;
    await this.#afterRender();
    this.#firstRenderDone = true;
    if (this.#renderAgain) this.#startRenderLoop();
    log.info({ event: 'sidecar-ready', templates: this.#jobs.length }, 'first render complete; keeping templates current');
  }

  async #compile(): Promise<TemplateJob[]> {
    const jobs: TemplateJob[] = [];
    const yieldToIo = this.#deps.yieldToIo ?? yieldWithSetImmediate;
    for (const t of this.#deps.settings.templates) {
      // Loading the engine and compiling are synchronous CPU work. Giving I/O a turn before each
      // step lets the login request started just before go out (connect, write) and its answer
      // be handled meanwhile, instead of waiting behind every template (docs/benchmarks/agent.md).
      await yieldToIo();
      const engine = await this.#deps.engines(t.engine);
      let text: string;
      if (t.source !== undefined) {
        try {
          text = this.#deps.readFile(t.source);
        } catch (err) {
          throw new AppError('AGT_TEMPLATE_SOURCE', `template[${t.index}]: cannot read source ${t.source}`, { cause: toError(err) });
        }
      } else {
        text = t.contents ?? '';
      }
      const compiled = engine.compile(text, { name: t.destination, leftDelimiter: t.leftDelimiter, rightDelimiter: t.rightDelimiter, errorOnMissingKey: t.errorOnMissingKey });
      if (compiled.ready !== undefined) await compiled.ready;
      jobs.push({ settings: t, compiled, dependencies: new Set(), rendered: false });
    }
    return jobs;
  }

  #requestRender(): void {
    if (this.#stopped) return;
    if (!this.#firstRenderDone || this.#rendering !== undefined) {
      // The main loop (first render) or the running loop picks this up.
      this.#renderAgain = true;
      return;
    }
    this.#startRenderLoop();
  }

  #startRenderLoop(): void {
    this.#rendering = (async () => {
      do {
        this.#renderAgain = false;
        const failures = await this.#renderer.renderAll(this.#jobs);
        this.#reportStatus(failures);
        const used = new Set(this.#jobs.flatMap((j) => [...j.dependencies]));
        this.#secrets.retain(used);
        if (failures.length > 0 && this.#deps.settings.templateConfig.exitOnRetryFailure && failures.some((f) => f.error.name === 'FetchFailedError')) {
          this.#finish({ code: 1, error: new RenderIncompleteError(failures) });
          return;
        }
        await this.#saveHandoff();
      } while (this.#renderAgain && !this.#stopped);
    })().catch((err: unknown) => {
      this.#deps.log.error({ event: 'render-loop-error', err: errSummary(err) }, 'render loop failed');
    }).finally(() => { this.#rendering = undefined; });
  }

  /** Logs which templates are rendered and which fail, each time that changes. */
  #reportStatus(failures: readonly RenderFailure[]): void {
    const status = templateStatus(this.#jobs.map((j) => j.settings.destination), failures);
    const key = statusKey(status);
    if (key === this.#lastStatus) return;
    this.#lastStatus = key;
    if (status.failed.length === 0) {
      this.#deps.log.info({ event: 'templates-status', ok: status.rendered, failing: [] }, 'every template rendered');
    } else {
      this.#deps.log.warn({ event: 'templates-status', ok: status.rendered, failing: status.failed }, 'some templates are not rendered');
    }
  }

  async #afterRender(): Promise<void> {
    await this.#saveHandoff();
    const ready = this.#deps.settings.readyFile;
    if (ready !== undefined) await this.#deps.markReady(ready);
  }

  #handoffPath(): string | undefined {
    const dir = this.#deps.settings.stateDir;
    return dir === undefined ? undefined : `${trimTrailing(dir, '/')}/${HANDOFF_FILE}`;
  }

  #loadHandoff(): HandoffState | undefined {
    const path = this.#handoffPath();
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = this.#deps.readFile(path);
    } catch {
      return undefined;
    }
    const state = parseHandoff(text);
    if (state === undefined) this.#deps.log.warn({ event: 'handoff-unreadable', path }, 'state file not understood; starting afresh');
    return state;
  }

  async #saveHandoff(): Promise<void> {
    const path = this.#handoffPath();
    const token = this.#tokens.current;
    if (path === undefined || token === undefined) return;
    const state: HandoffState = { version: 1, token: token.token, savedAt: this.#deps.clock.now(), entries: this.#secrets.snapshot() };
    try {
      await this.#deps.output.write(path, serializeHandoff(state), { mode: HANDOFF_MODE, createDirs: true });
    } catch (err) {
      this.#deps.log.error({ event: 'handoff-save-failed', path, err: errSummary(err) }, 'could not save agent state');
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    this.#sleeper.stop();
    this.#tokens.stop();
    this.#secrets.stop();
    if (this.#deps.settings.revokeOnShutdown && !this.#deps.settings.exitAfterAuth) {
      try {
        await this.#tokens.revoke();
      } catch (err) {
        this.#deps.log.warn({ event: 'revoke-failed', err: errSummary(err) }, 'token revoke on shutdown failed');
      }
    }
  }
}
