// Sprig's semverCompare (Masterminds/semver v3) for the constraints a chart writes against
// .Capabilities.KubeVersion.Version: `>=1.30.0-0`, `<1.28`, `>=1.22.0-0, <1.30.0-0`, `a || b`.
// A version with a pre-release part (v1.30.2-eks-49a6c0, v1.29.1-gke.1589) satisfies a
// comparison only when the constraint carries a pre-release too, which is why charts write `-0`.
import { ChartError } from './errors.ts';

interface Version {
  readonly parts: readonly [number, number, number];
  readonly pre: readonly string[];
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const COMPARISON = /^(>=|<=|!=|=>|=<|>|<|=)?\s*(\S+)$/;

function parseVersion(text: string): Version {
  const m = VERSION.exec(text.trim());
  if (m === null) throw new ChartError('CHT_SEMVER', `invalid semantic version: ${JSON.stringify(text)}`);
  return {
    parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)],
    pre: m[4] === undefined ? [] : m[4].split('.'),
  };
}

function comparePre(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length; // a release sorts after its pre-releases
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) - Number(y);
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = a.parts[i]! - b.parts[i]!;
    if (d !== 0) return d;
  }
  return comparePre(a.pre, b.pre);
}

function satisfies(version: Version, comparison: string): boolean {
  const m = COMPARISON.exec(comparison.trim());
  if (m === null) throw new ChartError('CHT_SEMVER', `improper constraint: ${comparison}`);
  const bound = parseVersion(m[2]!);
  if (version.pre.length > 0 && bound.pre.length === 0) return false;
  const d = compare(version, bound);
  switch (m[1] ?? '=') {
    case '>':
      return d > 0;
    case '<':
      return d < 0;
    case '>=':
    case '=>':
      return d >= 0;
    case '<=':
    case '=<':
      return d <= 0;
    case '!=':
      return d !== 0;
    default:
      return d === 0;
  }
}

/** True when `version` meets `constraint` (comparisons joined by `,` are ANDed, `||` ORs groups). */
export function semverCompare(constraint: string, version: string): boolean {
  const v = parseVersion(version);
  return constraint.split('||').some((group) => group.split(',').every((c) => satisfies(v, c)));
}
