// Expected strings were produced by Go 1.19's fmt.Sprintf with the same verbs and operands
// (float64 operands written here as GoFloat, Go ints as numbers).
import { describe, expect, it } from '@jest/globals';
import { formatFloat, formatValue } from './format.ts';
import { marshal } from './json.ts';
import { sprintf } from './printf.ts';
import { GoFloat, JsonNumber } from './values.ts';

const f = (n: number) => new GoFloat(n);

describe('sprintf (Go fmt)', () => {
  it.each<[string, unknown[], string]>([
    ['%v|%v|%v|%v|%v|%v|%v', [f(1e6), f(123456), f(1e-5), f(0.0001), f(1e21), f(3), f(-2.5)], '1e+06|123456|1e-05|0.0001|1e+21|3|-2.5'],
    ['%.3g|%g|%G|%e|%E|%.0f|%.1e|%8.2e', [f(1234.5678), f(1e-7), f(1e-7), f(0), f(12345.678), f(2.5), f(0.05), f(123.456)],
      '1.23e+03|1e-07|1E-07|0.000000e+00|1.234568E+04|2|5.0e-02|1.23e+02'],
    ['%+d|% d|%x|%#x|%o|%#o|%b|%c|%q|%U', [5, 5, -255, 255, 8, 8, 5, 65, 65, 0x1f600], "+5| 5|-ff|0xff|10|010|101|A|'A'|U+1F600"],
    ['%6.2f|%-8.3f|%08.3f|%+.1f|%f', [f(3.14159), f(2), f(-3.14159), f(2.25), f(1e21)], '  3.14|2.000   |-003.142|+2.2|1000000000000000000000.000000'],
    ['%q|%+q|%#q|%x|% x|%X|%.2s|%5.1s|%-4s|', ['héllo\t\x01', 'é', 'back`tick', 'hi', 'hi', 'hi', 'héllo', 'abc', 'x'],
      '"héllo\\t\\x01"|"\\u00e9"|"back`tick"|6869|68 69|6869|hé|    a|x   |'],
    ['%v|%s|%d|%v|%t|%v', [[1, 'a', null], ['a', 'b'], [1, 2], { b: 1, a: [true] }, false, null], '[1 a <nil>]|[a b]|[1 2]|map[a:[true] b:1]|false|<nil>'],
    ['%s|%d|%t|%f|%z', [null, 'x', 1, 's', 3], '%!s(<nil>)|%!d(string=x)|%!t(int=1)|%!f(string=s)|%!z(int=3)'],
    ['%*d|%-*d|%.*f', [5, 1, 4, 2, 2, f(3.14159)], '    1|2   |3.14'],
    ['%T %T %T %T %T %T', [1, f(1.5), 's', true, null, []], 'int float64 string bool <nil> []interface {}'],
    ['%!|%', [], '%!!(MISSING)|%!(NOVERB)'],
    ['%d %d', [1, 2, 3, 'x'], '1 2%!(EXTRA int=3, string=x)'],
    ['%5t|%-6v|%05s|%X', [true, null, 'ab', -1], ' true|<nil> |000ab|-1'],
    ['%6.3v|%.2v|%10.4v', [f(3.14159), 'hello', f(1234.5678)], '  3.14|he|      1235'],
  ])('%s', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });

  it('prints a json.Number as its text and treats it as a string', () => {
    expect(sprintf('%v %s %d', [new JsonNumber('1.0'), new JsonNumber('5432'), new JsonNumber('7')])).toBe('1.0 5432 %!d(json.Number=7)');
  });
});

describe('formatFloat (strconv.FormatFloat)', () => {
  it.each<[number, 'e' | 'f' | 'g', number, string]>([
    [0.1, 'g', -1, '0.1'], [100000, 'g', -1, '100000'], [1e6, 'g', -1, '1e+06'], [1234567, 'g', -1, '1.234567e+06'],
    [0.5, 'f', 0, '0'], [1.5, 'f', 0, '2'], [2.675, 'f', 2, '2.67'], [1e-7, 'f', -1, '0.0000001'], [123.456, 'e', 2, '1.23e+02'],
    [-0, 'g', -1, '-0'], [Infinity, 'g', -1, '+Inf'], [NaN, 'f', 2, 'NaN'], [5e-324, 'g', -1, '5e-324'],
  ])('%d %s %d -> %s', (value, fmt, prec, expected) => {
    expect(formatFloat(value, fmt, prec)).toBe(expected);
  });
});

describe('formatValue and marshal', () => {
  it('prints nested collections Go-style', () => {
    expect(formatValue({ z: [1, { y: null }], a: 'x', m: f(1e6) })).toBe('map[a:x m:1e+06 z:[1 map[y:<nil>]]]');
  });

  it('encodes JSON as Go does (verified against encoding/json)', () => {
    expect(marshal([f(1e21), f(1e-7), f(0.1), f(1e20), f(123456789), f(0), f(1.5e-6), '\u2028<\x01'], { escapeHTML: true, indent: '' }))
      .toBe('[1e+21,1e-7,0.1,100000000000000000000,123456789,0,0.0000015,"\\u2028\\u003c\\u0001"]');
  });
});
