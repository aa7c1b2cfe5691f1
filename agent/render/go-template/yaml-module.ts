// The `yaml` package is the largest piece of the Go-template engine (~120 KB of code) and only
// toYAML / parseYAML use it. It is loaded when a template that names one of them compiles (the
// agent awaits CompiledTemplate.ready before the first render), so the common init container,
// whose templates never call them, does not parse it on every start (docs/benchmarks/agent.md).
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;
let loading: Promise<void> | undefined;

/** Names of the functions that need the module; a template mentioning one loads it. */
const YAML_FUNCTIONS = /\b(?:toYAML|parseYAML)\b/;

export function needsYaml(source: string): boolean {
  return YAML_FUNCTIONS.test(source);
}

/** Loads the module once; later calls share the same promise. */
export function loadYaml(): Promise<void> {
  loading ??= import('yaml').then((m) => { loaded = m; });
  return loading;
}

/** The module; throws if no template that needs it was compiled and awaited (a bug, not user input). */
export function yamlModule(): typeof Yaml {
  if (loaded === undefined) throw new Error('YAML support is not loaded (await CompiledTemplate.ready before rendering)');
  return loaded;
}
