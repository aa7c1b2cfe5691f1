// Sprig's `semver` and `semverCompare`, following Masterminds/semver v3: versions ("v1.2",
// "1.2.3-beta.1+build") and constraints (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`, wildcards
// `x`/`X`/`*`, hyphen ranges `1.2 - 1.4`, `,` or space for AND, `||` for OR). A version with a
// pre-release satisfies a constraint only if the constraint names a pre-release too.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { GoStruct, type Method } from './values.ts';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;
}

const VERSION =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Bounded input: a constraint or version longer than this is refused before any matching. */
const MAX_TEXT = 256;

export function parseVersion(text: string): Version {
  const m = text.length <= MAX_TEXT ? VERSION.exec(text) : null;
  if (m === null) throw new Error('Invalid Semantic Version');
  const [, major = '0', minor = '0', patch = '0', pre = '', metadata = ''] = m;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), pre, metadata, original: text };
}

export function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre === '' ? '' : `-${v.pre}`}${v.metadata === '' ? '' : `+${v.metadata}`}`;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) < Number(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** -1, 0 or 1; build metadata is ignored, as semver says. */
export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  readonly op: string;
  readonly v: Version;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
  readonly dirty: boolean;
  /** `*`, `x` or `X` for the major: any version. */
  readonly any: boolean;
}

const WILD = /^[xX*]$/;
const CONSTRAINT =
  /^(=>|=<|>=|<=|!=|~>|[=<>~^])?\s*(v?[0-9xX*]+(?:\.[0-9xX*]+)?(?:\.[0-9xX*]+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

function parseConstraint(text: string): Constraint {
  const m = CONSTRAINT.exec(text.trim());
  if (m === null) throw new Error(`improper constraint: ${text}`);
  const op = m[1] ?? '';
  const raw = (m[2] ?? '').replace(/^v/, '');
  const [core = '', rest = ''] = splitOnce(raw, /[-+]/);
  const parts = core.split('.');
  const minorDirty = parts.length < 2 || WILD.test(parts[1] ?? '');
  const patchDirty = minorDirty || parts.length < 3 || WILD.test(parts[2] ?? '');
  const majorWild = WILD.test(parts[0] ?? '');
  const clean = [majorWild ? '0' : parts[0], minorDirty ? '0' : parts[1], patchDirty ? '0' : parts[2]].join('.');
  const v = parseVersion(clean + rest);
  return {
    op,
    v,
    minorDirty: minorDirty || majorWild,
    patchDirty: patchDirty || majorWild,
    dirty: minorDirty || patchDirty || majorWild,
    any: majorWild,
  };
}

function splitOnce(s: string, re: RegExp): [string, string] {
  const m = re.exec(s);
  return m === null ? [s, ''] : [s.slice(0, m.index), s.slice(m.index)];
}

function check(c: Constraint, v: Version): boolean {
  const cv = c.v;
  const cmp = compareVersions(v, cv);
  const preBlocked = v.pre !== '' && cv.pre === '';
  const equalish = (): boolean => {
    if (!c.dirty) return cmp === 0;
    if (c.any) return true;
    if (v.major !== cv.major) return false;
    return c.minorDirty || v.minor === cv.minor;
  };
  switch (c.op) {
    case '':
    case '=':
      return !preBlocked && equalish();
    case '!=':
      return !preBlocked && !equalish();
    case '>':
      if (preBlocked) return false;
      if (c.minorDirty) return v.major > cv.major;
      if (c.patchDirty) return v.major > cv.major || (v.major === cv.major && v.minor > cv.minor);
      return cmp > 0;
    case '<':
      return !preBlocked && cmp < 0;
    case '>=':
    case '=>':
      return !preBlocked && cmp >= 0;
    case '<=':
    case '=<':
      if (preBlocked) return false;
      if (c.minorDirty) return v.major <= cv.major;
      if (c.patchDirty) return v.major < cv.major || (v.major === cv.major && v.minor <= cv.minor);
      return cmp <= 0;
    case '~':
    case '~>':
      if (preBlocked || cmp < 0) return false;
      if (cv.major === 0 && cv.minor === 0 && cv.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
      if (v.major !== cv.major) return false;
      return c.minorDirty || v.minor === cv.minor;
    default: // '^'
      if (preBlocked || cmp < 0) return false;
      if (cv.major > 0 || c.minorDirty) return v.major === cv.major;
      if (v.major > 0) return false;
      if (cv.minor > 0 || c.patchDirty) return v.minor === cv.minor;
      if (v.minor > 0) return false;
      return v.patch === cv.patch;
  }
}

/** One AND group: `>= 1.2, < 2`, `>=1.2 <2`, or a hyphen range `1.2 - 1.4`. */
function parseGroup(text: string): Constraint[] {
  const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(text);
  if (hyphen !== null) return [parseConstraint(`>= ${hyphen[1] ?? ''}`), parseConstraint(`<= ${hyphen[2] ?? ''}`)];
  const items = text
    .replace(/(=>|=<|>=|<=|!=|~>|[=<>~^])\s+/g, '$1')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  if (items.length === 0) throw new Error(`improper constraint: ${text}`);
  return items.map(parseConstraint);
}

export function satisfies(constraint: string, version: Version): boolean {
  if (constraint.length > MAX_TEXT) throw new Error('improper constraint: too long');
  const groups = constraint.split('||').map(parseGroup);
  return groups.some((g) => g.every((c) => check(c, version)));
}

/** A *semver.Version value: prints as its String(), with Masterminds' accessor methods. */
export function versionValue(v: Version): GoStruct {
  const text = versionString(v);
  return new GoStruct(
    'semver.Version',
    new Map(),
    new Map<string, Method>([
      ['Major', () => v.major],
      ['Minor', () => v.minor],
      ['Patch', () => v.patch],
      ['Prerelease', () => v.pre],
      ['Metadata', () => v.metadata],
      ['Original', () => v.original],
      ['String', () => text],
    ]),
    () => text,
  );
}

export const SEMVER_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['semver', (a) => (arity(a, 1), versionValue(parseVersion(str(a[0]))))],
  ['semverCompare', (a) => (arity(a, 2), satisfies(str(a[0]), parseVersion(str(a[1]))))],
]);
