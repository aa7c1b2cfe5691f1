// consul-template's math functions. The argument order is consul-template's: the piped (last)
// argument is the left operand, so `{{ subtract 2 5 }}` and `{{ 5 | subtract 2 }}` are both 5 - 2.
// Two ints give an int (Go integer arithmetic); any float64 gives a float64.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { GoFloat, typeName } from './values.ts';

type Num = { readonly isFloat: boolean; readonly value: number };

function num(name: string, v: unknown): Num {
  if (typeof v === 'number') return { isFloat: false, value: v };
  if (v instanceof GoFloat) return { isFloat: true, value: v.value };
  throw new Error(`${name}: unknown type for [redacted] (${typeName(v)})`);
}

function op(name: string, f: (a: number, b: number, isFloat: boolean) => number): GoFunction {
  return (args) => {
    arity(args, 2);
    const a = num(name, args[1]);
    const b = num(name, args[0]);
    const isFloat = a.isFloat || b.isFloat;
    const r = f(a.value, b.value, isFloat);
    return isFloat ? new GoFloat(r) : r;
  };
}

export const CONSUL_MATH_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['add', op('add', (a, b) => a + b)],
  ['subtract', op('subtract', (a, b) => a - b)],
  ['multiply', op('multiply', (a, b) => a * b)],
  ['divide', op('divide', (a, b, isFloat) => {
    if (b === 0 && !isFloat) throw new Error('divide: division by zero');
    return isFloat ? a / b : Math.trunc(a / b);
  })],
  ['modulo', op('modulo', (a, b, isFloat) => {
    if (isFloat) throw new Error('modulo: unknown type for [redacted] (float64)');
    if (b === 0) throw new Error('modulo: division by zero');
    return a % b;
  })],
  ['minimum', op('minimum', (a, b) => Math.min(a, b))],
  ['maximum', op('maximum', (a, b) => Math.max(a, b))],
]);
