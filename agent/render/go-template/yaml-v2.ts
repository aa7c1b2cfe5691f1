// YAML output as consul-template's toYAML writes it (gopkg.in/yaml.v2 Marshal): sorted keys, block
// style, sequences not indented under their key, and yaml.v2's quoting: a string that YAML 1.1
// would read as something else (yes, n, ~, 1.0, 0x1F, 1:20, 2026-11-25) is double-quoted; one
// that cannot be plain (': ', '#', leading indicator or space) is single-quoted.
import { yamlModule } from './yaml-module.ts';
import { GoFloat, GoNilPointer, GoStruct, GoTime, JsonNumber, isMap } from './values.ts';

const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', '~', 'null', 'Null', 'NULL', '',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const GO_INT = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:Z|[+-]\d{1,2}(?::\d{2})?)?)?$/;

/** Whether yaml.v2 would resolve the plain text to a non-string (so it must quote it). */
function resolvesToNonString(s: string): boolean {
  if (YAML11_WORDS.has(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  const plain = s.replaceAll('_', '');
  return GO_INT.test(plain) || YAML_FLOAT.test(plain) || BASE60.test(s) || TIMESTAMP.test(s);
}

function toPlain(v: unknown): unknown {
  if (v instanceof JsonNumber) return v.toInt64OrFloat();
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'bigint') return v;
  if (v instanceof GoTime) return v.date.toISOString();
  if (v instanceof GoNilPointer) return null;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof GoStruct) return Object.fromEntries([...v.fields].map(([k, f]) => [k, toPlain(f)]));
  if (isMap(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, toPlain(v[k])]));
  return v ?? null;
}

export function toYamlV2(value: unknown): string {
  const { Document, Scalar, visit } = yamlModule();
  const doc = new Document(toPlain(value), { sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      if (s.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
      else if (resolvesToNonString(s) || /[\x00-\x08\x0b-\x1f\x7f\t]/.test(s)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true }).trim();
}
