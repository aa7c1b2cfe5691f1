// Go's fmt.Sprintf over template values: flags (- + # 0 space), width and precision (also `*`),
// the verbs v s q d x X o b c U e E f F g G t T %, and Go's error forms for bad verbs
// (`%!d(string=x)`), missing operands (`%!d(MISSING)`) and extra ones (`%!(EXTRA int=1)`).
import { formatFloat, formatValue, goQuote, intText } from './format.ts';
import { GoFloat, JsonNumber, typeName } from './values.ts';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  zero: boolean;
  space: boolean;
  width: number | undefined;
  prec: number | undefined;
  verb: string;
}

/** Pads to the width; `zeros` allows zero padding (after the sign when `signed`). */
function pad(s: string, spec: Spec, zeros: boolean, signed = true): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  if (spec.minus) return s + ' '.repeat(width - len);
  if (spec.zero && zeros) {
    const sign = signed && /^[+\- ]/.test(s) ? (s[0] ?? '') : '';
    return sign + '0'.repeat(width - len) + s.slice(sign.length);
  }
  return ' '.repeat(width - len) + s;
}

function badVerb(spec: Spec, arg: unknown): string {
  if (arg === null || arg === undefined) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${typeName(arg)}=${formatValue(arg)})`;
}

function signed(s: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${s}`;
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

function formatInt(n: number, spec: Spec): string {
  const abs = Math.abs(n);
  const big = BigInt(Math.trunc(abs));
  let body: string;
  switch (spec.verb) {
    case 'd': case 'v': body = intText(abs); break;
    case 'x': body = big.toString(16); if (spec.sharp) body = `0x${body}`; break;
    case 'X': body = big.toString(16).toUpperCase(); if (spec.sharp) body = `0X${body}`; break;
    case 'o': body = big.toString(8); if (spec.sharp) body = `0${body}`; break;
    case 'O': body = `0o${big.toString(8)}`; break;
    case 'b': body = big.toString(2); break;
    case 'c': return pad(String.fromCodePoint(abs), spec, false);
    case 'q': return pad(`'${goQuote(String.fromCodePoint(abs)).slice(1, -1).replace(/\\"/g, '"')}'`, spec, false);
    case 'U': return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': return `%!${spec.verb}(int=${intText(n)})`;
    default: return `%!${spec.verb}(int=${intText(n)})`;
  }
  if (spec.prec !== undefined) body = body.padStart(spec.prec, '0');
  return pad(signed(body, n < 0, spec), spec, spec.prec === undefined);
}

function formatFloatVerb(f: number, spec: Spec): string {
  const verb = spec.verb === 'v' ? 'g' : spec.verb === 'F' ? 'f' : spec.verb;
  if (!'eEfgG'.includes(verb)) return `%!${spec.verb}(float64=${formatFloat(f, 'g', -1)})`;
  const prec = spec.prec ?? (verb === 'g' || verb === 'G' ? -1 : 6);
  let s = formatFloat(f, verb as 'e' | 'E' | 'f' | 'g' | 'G', prec);
  if (spec.plus && !s.startsWith('-') && !s.startsWith('+')) s = `+${s}`;
  else if (spec.space && !s.startsWith('-')) s = ` ${s}`;
  return pad(s, spec, Number.isFinite(f));
}

function formatString(s: string, spec: Spec, arg: unknown): string {
  switch (spec.verb) {
    case 'v': case 's': {
      const cut = spec.prec === undefined ? s : [...s].slice(0, spec.prec).join('');
      return pad(cut, spec, true, false);
    }
    case 'q':
      if (spec.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad(`\`${s}\``, spec, false);
      return pad(goQuote(s, spec.plus), spec, false);
    case 'x': case 'X': {
      const hex = [...Buffer.from(s)].map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      return pad(spec.verb === 'X' ? hex.toUpperCase() : hex, spec, false);
    }
    default: return badVerb(spec, arg);
  }
}

/** Formats one operand for one verb. */
function formatArg(arg: unknown, spec: Spec): string {
  if (spec.verb === 'T') return pad(typeName(arg), spec, false);
  if (typeof arg === 'string') return formatString(arg, spec, arg);
  if (arg instanceof JsonNumber) return formatString(arg.text, spec, arg);
  if (typeof arg === 'number') return Number.isInteger(arg) ? formatInt(arg, spec) : formatFloatVerb(arg, spec);
  if (typeof arg === 'bigint') return spec.verb === 'd' || spec.verb === 'v' ? pad(arg.toString(), spec, true) : badVerb(spec, arg);
  if (arg instanceof GoFloat) return formatFloatVerb(arg.value, spec);
  if (typeof arg === 'boolean') return spec.verb === 't' || spec.verb === 'v' ? pad(String(arg), spec, false) : badVerb(spec, arg);
  if (arg === null || arg === undefined) return spec.verb === 'v' ? pad('<nil>', spec, false) : badVerb(spec, arg);
  if (Array.isArray(arg) && spec.verb !== 'v') return `[${arg.map((a) => formatArg(a, { ...spec, width: spec.width })).join(' ')}]`;
  if (spec.verb === 'v' || spec.verb === 's') return pad(formatValue(arg), spec, false);
  return badVerb(spec, arg);
}

function readNumber(format: string, i: number): [number | undefined, number] {
  let j = i;
  while (j < format.length && format[j]! >= '0' && format[j]! <= '9') j++;
  return j === i ? [undefined, i] : [Number(format.slice(i, j)), j];
}

export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, zero: false, space: false, width: undefined, prec: undefined, verb: '' };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === '0') spec.zero = !spec.minus;
      else if (c === ' ') spec.space = true;
      else break;
    }
    if (format[i] === '*') {
      const w = args[argIndex++];
      spec.width = typeof w === 'number' ? Math.abs(w) : undefined;
      if (typeof w === 'number' && w < 0) spec.minus = true;
      i++;
    } else [spec.width, i] = readNumber(format, i);
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        const p = args[argIndex++];
        spec.prec = typeof p === 'number' && p >= 0 ? p : undefined;
        i++;
      } else {
        const [p, next] = readNumber(format, i);
        spec.prec = p ?? 0;
        i = next;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    spec.verb = verb;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    const extra = args.slice(argIndex).map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
