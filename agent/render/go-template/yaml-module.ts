// The `yaml` package is the largest piece of the Go-template engine (~120 KB of code) and only
// toYAML / parseYAML use it. It is loaded when a template that names one of them compiles (the
// agent awaits CompiledTemplate.ready before the first render), so the common init container,
// whose templates never call them, does not parse it on every start (docs/benchmarks/agent.md).
import type * as Yaml from 'yaml';

/** The package's API (its named exports). */
type YamlApi = Omit<typeof Yaml, 'default'>;

let loaded: YamlApi | undefined;
let loading: Promise<void> | undefined;

/** Names of the functions that need the module; a template mentioning one loads it. */
const YAML_FUNCTIONS = /\b(?:toYAML|parseYAML)\b/;

export function needsYaml(source: string): boolean {
  return YAML_FUNCTIONS.test(source);
}

/** Loads the module once; later calls share the same promise. */
export function loadYaml(): Promise<void> {
  // In the bundle `yaml` is its CommonJS build, whose exports arrive as the namespace's default
  // (esbuild cannot list a CommonJS module's exports); run from source it is the ES module.
  loading ??= import('yaml').then((m) => { loaded = typeof m.Document === 'function' ? m : m.default; });
  return loading;
}

/** The module; throws if no template that needs it was compiled and awaited (a bug, not user input). */
export function yamlModule(): YamlApi {
  if (loaded === undefined) throw new Error('YAML support is not loaded (await CompiledTemplate.ready before rendering)');
  return loaded;
}
