import { truncate } from './go-bool.ts';

/** A base-10 integer within [min, max]; never parseInt without a range check. */
export function parseIntInRange(raw: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new Error(`"${truncate(raw)}" is not an integer`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${n} is out of range [${min}, ${max}]`);
  return n;
}
