// Sprig's `must*` functions (exposed as `sprig_NAME`) and the remaining list helpers. In Sprig the
// plain list functions panic on a bad argument and the `must` ones return the error; Go's template
// engine reports both as `error calling NAME: ...`, so each `must` name shares its plain twin's
// implementation here. The JSON ones differ: the plain ones give "" / nil, the `must` ones fail.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, list, str } from './args.ts';
import { deepCopy } from './consul-misc.ts';
import { marshal, parseJsonFloat } from './json.ts';
import { SPRIG_COLLECTION_FUNCTIONS } from './sprig-collections.ts';
import { SPRIG_STRING_FUNCTIONS } from './sprig-strings.ts';
import { typeName } from './values.ts';

const SAME_AS_PLAIN = [
  'first',
  'last',
  'rest',
  'initial',
  'append',
  'push',
  'prepend',
  'reverse',
  'uniq',
  'has',
  'without',
  'compact',
  'slice',
  'merge',
  'mergeOverwrite',
];
const REGEX_SAME_AS_PLAIN = [
  'regexMatch',
  'regexFind',
  'regexFindAll',
  'regexReplaceAll',
  'regexReplaceAllLiteral',
  'regexSplit',
];
/** Go's filepath functions equal the path ones on Linux. */
const OS_PATH = [
  ['osBase', 'base'],
  ['osDir', 'dir'],
  ['osExt', 'ext'],
  ['osClean', 'clean'],
  ['osIsAbs', 'isAbs'],
] as const;

function plain(table: ReadonlyMap<string, GoFunction>, name: string): GoFunction {
  const fn = table.get(name);
  if (fn === undefined) throw new Error(`no Sprig function ${name} to alias`);
  return fn;
}

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function chunk(size: number, items: readonly unknown[]): unknown[][] {
  if (size < 1) throw new Error('chunk size must be at least 1');
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function mustJson(escapeHTML: boolean, indent: string): GoFunction {
  return (a) => (arity(a, 1), marshal(a[0], { escapeHTML, indent }));
}

export const SPRIG_MUST_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ...SAME_AS_PLAIN.map((n): [string, GoFunction] => [`must${capitalised(n)}`, plain(SPRIG_COLLECTION_FUNCTIONS, n)]),
  ...REGEX_SAME_AS_PLAIN.map((n): [string, GoFunction] => [`must${capitalised(n)}`, plain(SPRIG_STRING_FUNCTIONS, n)]),
  ...OS_PATH.map(([os, p]): [string, GoFunction] => [os, plain(SPRIG_STRING_FUNCTIONS, p)]),
  ['chunk', (a) => (arity(a, 2), chunk(int(a[0]), list(a[1])))],
  ['mustChunk', (a) => (arity(a, 2), chunk(int(a[0]), list(a[1])))],
  ['deepCopy', (a) => (arity(a, 1), deepCopy(a[0]))],
  ['mustDeepCopy', (a) => (arity(a, 1), deepCopy(a[0]))],
  ['mustToJson', mustJson(true, '')],
  ['mustToPrettyJson', mustJson(true, '  ')],
  ['mustToRawJson', mustJson(false, '')],
  ['mustFromJson', (a) => (arity(a, 1), parseJsonFloat(str(a[0])))],
  [
    'typeIsLike',
    (a) => {
      arity(a, 2);
      const t = typeName(a[1]);
      const target = str(a[0]);
      return t === target || t === `*${target}`;
    },
  ],
]);
