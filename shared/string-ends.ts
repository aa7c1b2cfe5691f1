// Cutting the end of a string in linear time. `s.replace(/\/+$/, '')` and its kind look harmless
// but are quadratic: on a long run of the character followed by something else, the engine tries
// the run from every position in it (100 KB of "/" then "x": seconds). Values from Vault, a
// template or a request reach these, so they are loops instead.

/** `s` without the run of `c` (one UTF-16 unit) at its end: `s.replace(/c+$/, '')`. */
export function trimTrailing(s: string, c: string): string {
  const code = c.charCodeAt(0);
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === code) end -= 1;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without the run of any of `chars` at its end: `s.replace(/[chars]+$/, '')`. */
export function trimTrailingAny(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s.charAt(end - 1))) end -= 1;
  return end === s.length ? s : s.slice(0, end);
}

const isLineTerminator = (code: number): boolean =>
  code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;

/**
 * `s` without its query: `s.replace(/\?.*$/, '')`, which cuts at the first `?` that no line
 * terminator follows (a request target never holds one; kept exact all the same).
 */
export function withoutQuery(s: string): string {
  let from = 0;
  for (let i = s.length - 1; i >= 0; i -= 1) {
    if (isLineTerminator(s.charCodeAt(i))) {
      from = i + 1;
      break;
    }
  }
  const q = s.indexOf('?', from);
  return q < 0 ? s : s.slice(0, q);
}
