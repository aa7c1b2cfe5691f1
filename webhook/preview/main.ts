// `vaultlet preview -f FILE [--patch] [--namespace NS]`: offline, shows what the webhook would do
// to the pods in a manifest. Same config loader and defaults as the webhook. Exit codes: 0 every
// pod allowed, 1 at least one denied, 2 usage, YAML or configuration error.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../shared/errors.ts';
import { loadWebhookConfig } from '../config.ts';
import { admitPod } from '../inject/admit.ts';
import { PreviewInputError, previewManifests } from './preview.ts';

export const PLACEHOLDER_VAULT_ADDR = 'https://vault.vault.svc:8200';

const USAGE = `usage: vaultlet preview -f FILE [--patch] [--namespace NS] [--no-service-account-token]

  -f, --filename FILE   manifest to preview (YAML, multi-document; "-" reads stdin)
  --patch               print the JSON patch for each pod instead of the mutated objects
  -n, --namespace NS    namespace to admit into (default: each object's, else "default")
  --no-service-account-token
                        do not add the service-account token mount the API server adds
                        before webhooks run (for clusters without that admission plugin)

Handles Pod and the pod template of Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and
CronJob; other objects are printed unchanged. AGENT_INJECT_* variables apply as for the webhook.
`;

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
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '-f' || flag === '--filename' || flag === '--file') file = value();
    else if (flag === '-n' || flag === '--namespace') namespace = value();
    else if (flag === '--patch') patchOnly = true;
    else if (flag === '--no-service-account-token') serviceAccountAdmission = false;
    else return `unknown argument "${arg.slice(0, 64)}"`;
  }
  if (file === undefined || file === '') return 'missing -f FILE';
  if (namespace === '') return 'empty --namespace';
  return namespace === undefined ? { file, patchOnly, serviceAccountAdmission } : { file, patchOnly, namespace, serviceAccountAdmission };
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
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
    process.stderr.write(`vaultlet preview: cannot read ${args.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
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
    process.stdout.write(result.output);
    for (const m of result.messages) process.stderr.write(`${m.object}: ${m.level}: ${m.text}\n`);
    return result.denied > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof PreviewInputError)) throw err;
    process.stderr.write(`vaultlet preview: ${err.message}\n`);
    return 2;
  }
}
