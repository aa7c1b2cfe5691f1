// Where a number token ends, as text/template's lexer reads one: an optional sign, a base prefix
// (0x, 0o, 0b), digits with underscores, a fraction, an exponent (e for decimal, p for hex). Both
// the lexer and the syntax scanner use it; whether a letter or digit right after it makes it bad
// syntax is theirs to say.

const DECIMAL = '0123456789_';
const HEX = '0123456789abcdefABCDEF_';

/** The index after the number that starts at `pos`. */
export function numberEnd(input: string, pos: number): number {
  let p = pos;
  const accept = (chars: string): boolean => {
    const c = input[p];
    if (c !== undefined && chars.includes(c)) {
      p++;
      return true;
    }
    return false;
  };
  const acceptRun = (chars: string): void => {
    while (p < input.length && chars.includes(input[p] ?? '')) p++;
  };
  accept('+-');
  let digits = DECIMAL;
  if (accept('0')) {
    if (accept('xX')) digits = HEX;
    else if (accept('oO')) digits = '01234567_';
    else if (accept('bB')) digits = '01_';
  }
  acceptRun(digits);
  if (accept('.')) acceptRun(digits);
  if (digits === DECIMAL && accept('eE')) {
    accept('+-');
    acceptRun(DECIMAL);
  }
  if (digits === HEX && accept('pP')) {
    accept('+-');
    acceptRun(DECIMAL);
  }
  return p;
}
