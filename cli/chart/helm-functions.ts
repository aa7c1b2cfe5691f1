// The Helm and Sprig functions the vaultlet chart and vault-helm values files call, implemented
// as Helm does: values numbers are float64, toYaml trims the last newline, `default` treats every
// empty value as unset, `fail` and `required` stop the render with the chart's message.
import { stringify } from 'yaml';
import { GO_BUILTINS } from '../../agent/render/go-template/builtins.ts';
import type { CallContext, GoFunction } from '../../agent/render/go-template/execute.ts';
import { formatValue, goQuote } from '../../agent/render/go-template/format.ts';
import { GoFloat, isMap, isTrue, kindOf, typeName } from '../../agent/render/go-template/values.ts';
import { ChartError } from './errors.ts';
import { semverCompare } from './semver.ts';

/** values.yaml numbers are float64 in Helm (YAML → JSON → interface{}). */
export function toGo(value: unknown): unknown {
  if (typeof value === 'number') return new GoFloat(value);
  if (Array.isArray(value)) return value.map(toGo);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toGo(v)]));
  return value ?? null;
}

export function fromGo(value: unknown): unknown {
  if (value instanceof GoFloat) return value.value;
  if (Array.isArray(value)) return value.map(fromGo);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromGo(v)]));
  return value;
}

/** Sprig's strval. */
function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  return formatValue(v);
}

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(spaces);
  return pad + s.split('\n').join(`\n${pad}`);
}

function toInt(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (v instanceof GoFloat) return Math.trunc(v.value);
  if (typeof v === 'string') return Number.parseInt(v, 10) || 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** Sprig's empty. */
function empty(v: unknown): boolean {
  return !isTrue(v);
}

function toYaml(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return stringify(fromGo(v), { sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
}

export function helmFunctions(renderTpl: (text: string, data: unknown) => string): Map<string, GoFunction> {
  const fns = new Map<string, GoFunction>(GO_BUILTINS);
  const add = (name: string, fn: GoFunction): void => {
    fns.set(name, fn);
  };
  add('include', (a, ctx: CallContext) => ctx.executeTemplate(strval(a[0]), a[1]));
  add('tpl', (a) => renderTpl(strval(a[0]), a[1]));
  add('toYaml', (a) => toYaml(a[0]));
  add('indent', (a) => indent(toInt(a[0]), strval(a[1])));
  add('nindent', (a) => `\n${indent(toInt(a[0]), strval(a[1]))}`);
  add('default', (a) => (a.length < 2 || empty(a[1]) ? a[0] : a[1]));
  add('empty', (a) => empty(a[0]));
  add('quote', (a) =>
    a
      .filter((v) => v !== null && v !== undefined)
      .map((v) => goQuote(strval(v)))
      .join(' '),
  );
  add('toString', (a) => strval(a[0]));
  add('int', (a) => toInt(a[0]));
  add('trunc', (a) => {
    const c = toInt(a[0]);
    const s = strval(a[1]);
    if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
    return c >= 0 && s.length > c ? s.slice(0, c) : s;
  });
  add('trimSuffix', (a) => {
    const suffix = strval(a[0]);
    const s = strval(a[1]);
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  });
  add('trim', (a) => strval(a[0]).trim());
  add('replace', (a) => strval(a[2]).split(strval(a[0])).join(strval(a[1])));
  add('contains', (a) => strval(a[1]).includes(strval(a[0])));
  add('hasSuffix', (a) => strval(a[1]).endsWith(strval(a[0])));
  add('ternary', (a) => (isTrue(a[2]) ? a[0] : a[1]));
  add('kindIs', (a) => kindOf(a[1]) === strval(a[0]));
  add('typeOf', (a) => typeName(a[0]));
  add('b64enc', (a) => Buffer.from(strval(a[0]), 'utf8').toString('base64'));
  add('list', (a) => [...a]);
  add('dict', (a) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) out[strval(a[i])] = a[i + 1] ?? null;
    return out;
  });
  add('hasKey', (a) => isMap(a[0]) && Object.hasOwn(a[0], strval(a[1])));
  add('semverCompare', (a) => semverCompare(strval(a[0]), strval(a[1])));
  add('required', (a) => {
    if (a[1] === null || a[1] === undefined || a[1] === '') throw new ChartError('CHT_RENDER', strval(a[0]));
    return a[1];
  });
  add('fail', (a) => {
    throw new ChartError('CHT_RENDER', strval(a[0]));
  });
  return fns;
}
