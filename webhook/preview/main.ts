// `vaultlet preview -f FILE [--patch] [--namespace NS]`: offline, shows what the webhook would do
// to the pods in a manifest. Same config loader and defaults as the webhook. Exit codes: 0 every
// pod allowed, 1 at least one denied, 2 usage, input (empty, not YAML) or configuration error.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../shared/errors.ts';
import { loadWebhookConfig } from '../config.ts';
import { admitPod } from '../inject/admit.ts';
import { PreviewInputError, previewManifests } from './preview.ts';
import { PREVIEW_USAGE as USAGE } from './usage.ts';

export const PLACEHOLDER_VAULT_ADDR = 'https://vault.vault.svc:8200';

// The mutated objects show what the webhook will do at admission. Applied as a manifest they would
// put a frozen copy of the injected containers into the workload itself (and the webhook skips a
// pod already marked injected, so later configuration changes would never reach it).
const REVIEW_NOTE =
  'note: this output is for review, not for kubectl apply: applying it would write the injected containers into your workloads; ' +
  'apply your manifest as written and let the webhook inject\n';

interface PreviewArgs {
  readonly file: string;
  readonly patchOnly: boolean;
  readonly namespace?: string;
  readonly serviceAccountAdmission: boolean;
}

function parseArgs(argv: readonly string[]): PreviewArgs | string {
  let file: string | undefined;
  let namespace: string | undefined;
  let patchOnly = false;
  let serviceAccountAdmission = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '-f' || flag === '--filename' || flag === '--file') file = value();
    else if (flag === '-n' || flag === '--namespace') namespace = value();
    else if (flag === '--patch') patchOnly = true;
    else if (flag === '--no-service-account-token') serviceAccountAdmission = false;
    else if (!arg.startsWith('-') && file === undefined)
      return `unexpected argument ${JSON.stringify(arg)}: name the manifest with -f (vaultlet preview -f ${arg})`;
    else return `unknown argument ${JSON.stringify(arg)}`;
  }
  if (file === undefined || file === '') return 'missing -f FILE';
  if (namespace === '') return 'empty --namespace';
  return namespace === undefined
    ? { file, patchOnly, serviceAccountAdmission }
    : { file, patchOnly, namespace, serviceAccountAdmission };
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help') || argv.includes('-help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`vaultlet preview: ${args}\n\n${USAGE}`);
    return 2;
  }
  const env = { ...process.env };
  if ((env['AGENT_INJECT_VAULT_ADDR'] ?? '') === '') {
    env['AGENT_INJECT_VAULT_ADDR'] = PLACEHOLDER_VAULT_ADDR;
    process.stderr.write(`note: AGENT_INJECT_VAULT_ADDR is not set; previewing with ${PLACEHOLDER_VAULT_ADDR}\n`);
  }
  let text: string;
  try {
    text = await readInput(args.file);
  } catch (err) {
    process.stderr.write(
      `vaultlet preview: cannot read ${args.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`,
    );
    return 2;
  }
  try {
    const config = loadWebhookConfig(env, []);
    const result = previewManifests(text, {
      admit: (input) => admitPod(input, config),
      patchOnly: args.patchOnly,
      serviceAccountAdmission: args.serviceAccountAdmission,
      ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
    });
    if (result.objects === 0) {
      process.stderr.write(
        `vaultlet preview: ${args.file === '-' ? 'stdin' : args.file} holds no Kubernetes objects\n`,
      );
      return 2;
    }
    process.stdout.write(result.output);
    for (const m of result.messages) process.stderr.write(`${m.object}: ${m.level}: ${m.text}\n`);
    if (result.injected > 0) process.stderr.write(REVIEW_NOTE);
    return result.denied > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof PreviewInputError)) throw err;
    process.stderr.write(`vaultlet preview: ${err.message}\n`);
    return 2;
  }
}
