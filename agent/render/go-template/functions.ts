// The function table of the Go-template engine: Go builtins, consul-template's functions and Sprig's
// under the `sprig_` prefix (those and sockaddr loaded on demand, sprig-table.ts). Names the parser
// accepts but vaultlet does not render (Consul, Nomad, random-generating Sprig functions) fail at
// render time naming the function and why.
import { notRenderedReason, PARSE_ONLY_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { GO_BUILTINS } from './builtins.ts';
import { CONSUL_ENCODING_FUNCTIONS } from './consul-encoding.ts';
import { CONSUL_MATH_FUNCTIONS } from './consul-math.ts';
import { CONSUL_MISC_FUNCTIONS } from './consul-misc.ts';
import { CONSUL_STRING_FUNCTIONS } from './consul-strings.ts';
import type { GoFunction } from './execute.ts';
import { writeToFile } from './write-to-file.ts';

function unsupported(name: string): GoFunction {
  const reason = notRenderedReason(name) ?? `${name} is not rendered by vaultlet`;
  return () => {
    throw new Error(reason);
  };
}

/** What a `function_denylist` entry becomes: consul-template's `denied` function. */
const disabled: GoFunction = () => {
  throw new Error('function is disabled');
};

/** The table with each listed name (that exists) replaced by a call that fails. */
export function withDenylist(table: ReadonlyMap<string, GoFunction>, denylist: readonly string[]): ReadonlyMap<string, GoFunction> {
  const denied = denylist.filter((name) => table.has(name));
  if (denied.length === 0) return table;
  const out = new Map(table);
  for (const name of denied) out.set(name, disabled);
  return out;
}

/** The functions every Go template can call without loading anything (rendered or not). */
const CORE_TABLE: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ...GO_BUILTINS,
  ...CONSUL_STRING_FUNCTIONS,
  ...CONSUL_ENCODING_FUNCTIONS,
  ...CONSUL_MATH_FUNCTIONS,
  ...CONSUL_MISC_FUNCTIONS,
  ['writeToFile', writeToFile],
  ...PARSE_ONLY_FUNCTIONS.map((name): [string, GoFunction] => [name, unsupported(name)]),
]);

/** Parse-only names win over rendered ones of the same name, whichever table has them. */
const PARSE_ONLY_ENTRIES = [...CORE_TABLE].filter(([name]) => PARSE_ONLY_FUNCTIONS.includes(name));

/** Names served by sprig-table.ts (a template mentioning one loads it). */
const SPRIG_TABLE_NAMES = /\b(?:sprig_|sockaddr\b)/;

let table: ReadonlyMap<string, GoFunction> = CORE_TABLE;
let loading: Promise<void> | undefined;

/** Whether a template's text may call a function of sprig-table.ts (a superset: a mention is enough). */
export function needsSprigTable(source: string): boolean {
  return SPRIG_TABLE_NAMES.test(source);
}

/** Loads sprig-table.ts once (later calls share the promise) and adds it to the table. */
export function loadSprigTable(): Promise<void> {
  loading ??= import('./sprig-table.ts').then((m) => {
    table = new Map([...CORE_TABLE, ...m.SPRIG_TABLE, ...PARSE_ONLY_ENTRIES]);
  });
  return loading;
}

/**
 * Every function a Go template can call in the agent, rendered or not, as far as loaded: the
 * Sprig names and sockaddr once loadSprigTable() has resolved (the engine awaits it for every
 * template that names one before that template renders).
 */
export function functionTable(): ReadonlyMap<string, GoFunction> {
  return table;
}
