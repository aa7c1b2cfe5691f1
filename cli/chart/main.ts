// `npm run chart -- [NAME] [-f values.yaml]... [--set k=v]... [--set-string k=v]...
//   [-n NAMESPACE] [--kube-version v1.31.0] [--chart DIR] [--notes]`
// prints the vaultlet chart's manifests as `helm template` would, without helm.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { isMap } from '../../agent/render/go-template/values.ts';
import { toError } from '../../shared/errors.ts';
import { ChartError } from './errors.ts';
import { DEFAULT_KUBE_VERSION, renderChart } from './render-chart.ts';
import { applySet } from './set-values.ts';
import { formatTemplateOutput } from './template-output.ts';

export const USAGE = `Usage: npm run -s chart -- [NAME] [options]
Prints the vaultlet chart's manifests as \`helm template\` would.
  -f, --values FILE      values file (vault-helm files work as they are); repeat to merge, later wins
  --set KEY=VALUE        set values (a.b=1,list={x,y},a[0].b=c); repeatable
  --set-string KEY=VAL   like --set, every value a string
  -n, --namespace NS     release namespace (default vaultlet)
  --kube-version V       Kubernetes version to render for (default ${DEFAULT_KUBE_VERSION})
  --chart DIR            chart directory (default: this repository's manifests/chart)
  --notes                print the install notes after the manifests
NAME is the release name (default vaultlet).`;

export interface ChartCommand {
  readonly releaseName: string;
  readonly namespace: string;
  readonly kubeVersion: string;
  readonly chartDir: string;
  readonly valueFiles: readonly string[];
  /** --set / --set-string in command-line order. */
  readonly sets: readonly { readonly expression: string; readonly asString: boolean }[];
  readonly notes: boolean;
}

const DEFAULT_CHART = fileURLToPath(new URL('../../manifests/chart', import.meta.url));

export function parseArgs(argv: readonly string[]): ChartCommand {
  let releaseName: string | undefined;
  let namespace = 'vaultlet';
  let kubeVersion = DEFAULT_KUBE_VERSION;
  let chartDir = DEFAULT_CHART;
  let notes = false;
  const valueFiles: string[] = [];
  const sets: { expression: string; asString: boolean }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new ChartError('CHT_USAGE', `${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-f':
      case '--values':
        valueFiles.push(value());
        break;
      case '--set':
        sets.push({ expression: value(), asString: false });
        break;
      case '--set-string':
        sets.push({ expression: value(), asString: true });
        break;
      case '-n':
      case '--namespace':
        namespace = value();
        break;
      case '--kube-version':
        kubeVersion = value();
        break;
      case '--chart':
        chartDir = value();
        break;
      case '--notes':
        notes = true;
        break;
      default:
        if (arg.startsWith('-') || releaseName !== undefined)
          throw new ChartError('CHT_USAGE', `unknown argument ${JSON.stringify(arg)}`);
        releaseName = arg;
    }
  }
  return { releaseName: releaseName ?? 'vaultlet', namespace, kubeVersion, chartDir, valueFiles, sets, notes };
}

/** The user values as Helm builds them: -f files merged in order, then every --set applied. */
export function userValues(command: ChartCommand, readFile: (path: string) => string): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const file of command.valueFiles) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFile(file)) ?? {};
    } catch (error) {
      throw new ChartError('CHT_VALUES', `${file}: ${toError(error).message}`, { cause: error });
    }
    if (!isMap(parsed)) throw new ChartError('CHT_VALUES', `${file}: a values file holds a map at the top`);
    values = mergeFiles(values, parsed);
  }
  for (const set of command.sets) applySet(values, set.expression, set.asString);
  return values;
}

/** Between -f files a later null replaces (the deletion happens against the chart defaults). */
function mergeFiles(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? mergeFiles(current, value) : value;
  }
  return out;
}

export function renderCommand(command: ChartCommand, readFile: (path: string) => string): string {
  const chartName = String((parseYaml(readFile(`${command.chartDir}/Chart.yaml`)) as { name?: unknown }).name);
  const files = renderChart(command.chartDir, {
    releaseName: command.releaseName,
    namespace: command.namespace,
    kubeVersion: command.kubeVersion,
    values: userValues(command, readFile),
  });
  const notes = files.find((f) => f.template === 'templates/NOTES.txt')?.text.trim() ?? '';
  return formatTemplateOutput(chartName, files) + (command.notes && notes !== '' ? `\nNOTES:\n${notes}\n` : '');
}

export function run(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    out(`${USAGE}\n`);
    return 0;
  }
  try {
    out(renderCommand(parseArgs(argv), (path) => readFileSync(path, 'utf8')));
    return 0;
  } catch (error) {
    const e = toError(error);
    err(`Error: ${e.message}\n`);
    return e instanceof ChartError && e.code === 'CHT_USAGE' ? 2 : 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = run(
    process.argv.slice(2),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  );
}
