// `vaultlet demo --agent-image/--webhook-image`: the demo's programs run from built images instead
// of the sources, so a release checks the images themselves end to end. The container shares the
// host network (it reaches the Vault test server and the webhook on 127.0.0.1), the demo's temp dir
// at the same path (config, certificates, /vault/secrets stand-in), and the user running the demo
// (the temp dir is private to it). Pure: builds the `docker run` argv.
export interface ContainerRun {
  readonly image: string;
  /** The image's own arguments (`agent -config=…`, `webhook`). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Host directory mounted at the same path. */
  readonly dir: string;
  readonly uid: number;
  readonly gid: number;
}

export function dockerRunArgs(run: ContainerRun): string[] {
  const env = Object.entries(run.env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  return [
    'run',
    '--rm',
    '--network',
    'host',
    '--user',
    `${run.uid}:${run.gid}`,
    '--volume',
    `${run.dir}:${run.dir}`,
    ...env,
    run.image,
    ...run.args,
  ];
}

export interface DemoImages {
  readonly agent?: string;
  readonly webhook?: string;
}

/** Reads `--keep`, `--agent-image IMAGE`, `--webhook-image IMAGE` (also `=IMAGE`); a string is a usage error. */
export function parseDemoArgs(argv: readonly string[]): { keep: boolean; images: DemoImages } | string {
  let keep = false;
  const images: { agent?: string; webhook?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--?(keep|agent-image|webhook-image)(?:=(.*))?$/s.exec(arg);
    if (m === null) return `unknown argument ${JSON.stringify(arg)}`;
    if (m[1] === 'keep') {
      keep = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') return `--${m[1] ?? ''} needs an image`;
    if (m[1] === 'agent-image') images.agent = value;
    else images.webhook = value;
  }
  return { keep, images };
}
