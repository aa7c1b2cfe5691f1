// issue 4, "numbers exactly as Vault sent them": a Vault response parsed by the agent's transport
// parser (agent/vault/json-number.ts), rendered by both engines. Expected Go output follows Go:
// Vault's client decodes with UseNumber, json.Number is a string type (printed as its text,
// compared as a string by eq/lt, written raw by json.Marshal).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseVaultJson } from '../vault/json-number.ts';
import { secretRequestKey, type RenderContext, type VaultResponse } from './engine.ts';
import { goTemplateEngine } from './go-template/engine.ts';
import { handlebarsEngine } from './handlebars/engine.ts';
import { loadYaml } from './go-template/yaml-module.ts';
import { loadSprigTable } from './go-template/functions.ts';

const BODY = '{"request_id":"r","lease_id":"","renewable":false,"lease_duration":2764800,"data":{"data":' +
  '{"price":1.50,"big":10000000000000000001,"exp":1e3,"neg":-12.50,"port":5432,"pow":1152921504606846976},"metadata":{"version":3}},' +
  '"wrap_info":null,"warnings":null,"auth":null}';

function context(): RenderContext {
  const response = parseVaultJson(BODY) as VaultResponse;
  return {
    lookup: (r) => (r.key === secretRequestKey('secret', 'kv/data/app', {}) ? response : undefined),
    env: () => undefined,
    readFile: () => { throw new Error('no files'); },
    now: () => new Date('2026-11-25T10:00:00Z'),
  };
}

function go(template: string): string {
  const result = goTemplateEngine.compile(template, { name: 't' }).render(context());
  expect(result.complete).toBe(true);
  return result.output;
}

function hbs(template: string): string {
  const result = handlebarsEngine.compile(template, { name: 't' }).render(context());
  expect(result.complete).toBe(true);
  return result.output;
}

beforeAll(() => Promise.all([loadYaml(), loadSprigTable()]));

describe('numbers exactly as Vault sent them', () => {
  it('Go engine: printed, in printf, in toJSON', () => {
    expect(go('{{ with secret "kv/data/app" }}{{ .Data.data.price }} {{ .Data.data.big }} {{ .Data.data.exp }} {{ .Data.data.neg }} {{ .Data.data.port }} {{ .Data.data.pow }}{{ end }}'))
      .toBe('1.50 10000000000000000001 1e3 -12.50 5432 1152921504606846976');
    expect(go('{{ with secret "kv/data/app" }}{{ printf "%s|%v" .Data.data.price .Data.data.big }} {{ .Data.data }}{{ end }}'))
      .toBe('1.50|10000000000000000001 map[big:10000000000000000001 exp:1e3 neg:-12.50 port:5432 pow:1152921504606846976 price:1.50]');
    expect(go('{{ with secret "kv/data/app" }}{{ .Data.data | toJSON }}{{ end }}'))
      .toBe('{"big":10000000000000000001,"exp":1e3,"neg":-12.50,"port":5432,"pow":1152921504606846976,"price":1.50}');
    expect(go('{{ with secret "kv/data/app" }}{{ .Data.metadata.version }}{{ end }}')).toBe('3');
    // toYAML is yaml.v2's: a json.Number is written as an int64 when it is one, else as a float64.
    expect(go('{{ with secret "kv/data/app" }}{{ toYAML (sprig_dict "pr" .Data.data.price "pw" .Data.data.pow "ng" .Data.data.neg "ex" .Data.data.exp) }}{{ end }}'))
      .toBe('ex: 1000\nng: -12.5\npr: 1.5\npw: 1152921504606846976');
  });

  it('Go engine: eq / lt compare json.Number as the string it is', () => {
    expect(go('{{ with secret "kv/data/app" }}{{ eq .Data.data.price "1.50" }} {{ eq .Data.data.price "1.5" }} {{ lt .Data.data.neg "-2" }} {{ lt .Data.data.big "2" }} {{ lt .Data.data.exp "1e2" }} {{ eq .Data.data.port "5432" }}{{ end }}'))
      .toBe('true false true true false true');
  });

  it('Handlebars engine: printed, passed to helpers, in toJSON and toJSONPretty', () => {
    expect(hbs('{{#with (secret "kv/data/app")}}{{Data.data.price}} {{Data.data.big}} {{Data.data.exp}} {{Data.data.neg}} {{Data.data.port}} {{Data.data.pow}}{{/with}}'))
      .toBe('1.50 10000000000000000001 1e3 -12.50 5432 1152921504606846976');
    expect(hbs('{{secret "kv/data/app" "Data.data.price"}} {{trimSpace (secret "kv/data/app" "Data.data.big")}} {{default (secret "kv/data/app" "Data.data.neg") "x"}}'))
      .toBe('1.50 10000000000000000001 -12.50');
    expect(hbs('{{toJSON (secret "kv/data/app" "Data.data")}}'))
      .toBe('{"big":10000000000000000001,"exp":1e3,"neg":-12.50,"port":5432,"pow":1152921504606846976,"price":1.50}');
    expect(hbs('{{toJSONPretty (secret "kv/data/app" "Data.data")}}'))
      .toBe('{\n  "big": 10000000000000000001,\n  "exp": 1e3,\n  "neg": -12.50,\n  "port": 5432,\n  "pow": 1152921504606846976,\n  "price": 1.50\n}');
  });

  it('Handlebars engine: toYAML writes numbers as consul-template\'s toYAML (yaml.v2) does: int64 exactly, others as floats', () => {
    expect(hbs('{{toYAML (secret "kv/data/app" "Data.data")}}'))
      .toBe('big: 10000000000000000000\nexp: 1000\nneg: -12.5\nport: 5432\npow: 1152921504606846976\nprice: 1.5');
  });
});
