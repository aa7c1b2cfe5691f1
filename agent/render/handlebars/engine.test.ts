import { describe, expect, it } from '@jest/globals';
import { TemplateRenderError, TemplateSyntaxError } from '../../../shared/template-errors.ts';
import { secretRequestKey, type RenderContext, type SecretRequest, type VaultResponse } from '../engine.ts';
import { handlebarsEngine } from './engine.ts';

const SENTINEL = 'SENTINEL-hbs-0c9d';

const kv2 = (data: Record<string, unknown>): VaultResponse => ({
  request_id: 'req-1', lease_id: '', lease_duration: 0, renewable: false,
  data: { data, metadata: { version: 3, destroyed: false } }, warnings: null,
});

/** A render context over fixed responses, keyed by request key; it records what was looked up. */
function contextOf(responses: Record<string, VaultResponse>, env: Record<string, string> = {}): RenderContext & { asked: SecretRequest[] } {
  const asked: SecretRequest[] = [];
  return {
    asked,
    lookup(request) {
      asked.push(request);
      return responses[request.key];
    },
    env: (name) => env[name],
    readFile: () => { throw new Error('no files'); },
    now: () => new Date('2026-11-25T10:00:00Z'),
  };
}

const req = (kind: SecretRequest['kind'], path: string, params: Record<string, string> = {}): SecretRequest => ({ kind, path, params, key: secretRequestKey(kind, path, params) });

function render(source: string, responses: Record<string, VaultResponse>, opts: { errorOnMissingKey?: boolean; env?: Record<string, string>; left?: string; right?: string } = {}): string {
  const t = handlebarsEngine.compile(source, {
    name: '/vault/secrets/app', errorOnMissingKey: opts.errorOnMissingKey ?? false,
    ...(opts.left === undefined ? {} : { leftDelimiter: opts.left }), ...(opts.right === undefined ? {} : { rightDelimiter: opts.right }),
  });
  const result = t.render(contextOf(responses, opts.env));
  expect(result.complete).toBe(true);
  return result.output;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

const APP = { [req('secret', 'kv/data/app').key]: kv2({ username: 'app', password: 'p&ss<w>"rd\'' }) };

describe('handlebarsEngine: Vault data', () => {
  it('is named handlebars', () => {
    expect(handlebarsEngine.name).toBe('handlebars');
  });

  it('renders a KV v2 secret with the Go-template shape, without HTML escaping', () => {
    expect(render('{{#with (secret "kv/data/app")}}{{Data.data.username}}:{{Data.data.password}} v{{Data.metadata.version}}{{/with}}\n', APP))
      .toBe('app:p&ss<w>"rd\' v3\n');
  });

  it('supports the field-path and block forms of secret', () => {
    expect(render('{{secret "kv/data/app" "Data.data.password"}}|{{#secret "/kv/data/app"}}{{Data.data.username}}{{/secret}}', APP)).toBe('p&ss<w>"rd\'|app');
  });

  it('exposes the lease fields and the Go field names', () => {
    const db = { [req('secret', 'database/creds/app').key]: { request_id: 'r', lease_id: 'database/creds/app/abc', lease_duration: 3600, renewable: true, data: { username: 'v-app', password: 'pw' }, warnings: ['w1'] } };
    expect(render('{{#with (secret "database/creds/app")}}{{LeaseID}} {{LeaseDuration}} {{Renewable}} {{RequestID}} {{Warnings}} {{Data.username}}{{/with}}', db))
      .toBe('database/creds/app/abc 3600 true r w1 v-app');
  });

  it('reports every dependency in one pass while data is missing, even with error_on_missing_key', () => {
    const source = '{{#with (secret "kv/data/a")}}{{Data.data.x.y.z}}{{/with}}{{secret "kv/data/b" "Data.data.k"}}{{#each (secrets "kv/metadata/")}}{{this}}{{/each}}{{pkiCert "pki/issue/web" "common_name=web.local" ttl="1h"}}{{toJSON (secret "kv/data/c")}}';
    for (const errorOnMissingKey of [false, true]) {
      const result = handlebarsEngine.compile(source, { name: 't', errorOnMissingKey }).render(contextOf({}));
      const expected = [req('secret', 'kv/data/a'), req('secret', 'kv/data/b'), req('secrets', 'kv/metadata/'), req('pkiCert', 'pki/issue/web', { common_name: 'web.local', ttl: '1h' }), req('secret', 'kv/data/c')];
      expect(result).toEqual({ complete: false, output: '', dependencies: expected, missing: expected });
    }
  });

  it('is complete once every dependency has data, and records one request per key', () => {
    const t = handlebarsEngine.compile('{{secret "kv/data/app" "Data.data.username"}}-{{secret "kv/data/app" "Data.data.username"}}', { name: 't' });
    const ctx = contextOf(APP);
    expect(t.render(ctx)).toEqual({ complete: true, output: 'app-app', dependencies: [req('secret', 'kv/data/app')], missing: [] });
    // compiled once, rendered again with other data: no state carried over
    expect(t.render(contextOf({})).complete).toBe(false);
    expect(t.render(contextOf({ [req('secret', 'kv/data/app').key]: kv2({ username: 'other' }) })).output).toBe('other-other');
  });

  it('passes k=v and hash parameters for write-style calls', () => {
    const key = req('secret', 'pki/issue/web', { common_name: 'a.example', ttl: '2h' }).key;
    const out = render('{{#with (secret "pki/issue/web" "common_name=a.example" ttl="2h")}}{{Data.serial_number}}{{/with}}', {
      [key]: { lease_id: 'l', lease_duration: 7200, renewable: false, data: { serial_number: '0a:0b' } },
    });
    expect(out).toBe('0a:0b');
  });

  it('lists keys with secrets, sorted, and iterates them in block form', () => {
    const list = { [req('secrets', 'kv/metadata/apps/').key]: { lease_id: '', lease_duration: 0, renewable: false, data: { keys: ['zeta', 'alpha', 'mid/'] } } };
    expect(render('{{#each (secrets "kv/metadata/apps/")}}[{{this}}]{{/each}} {{join "," (secrets "kv/metadata/apps/")}} {{#secrets "kv/metadata/apps/"}}<{{this}}>{{/secrets}}', list))
      .toBe('[alpha][mid/][zeta] alpha,mid/,zeta <alpha><mid/><zeta>');
  });

  it('finds its data inside nested blocks (each, if, with)', () => {
    const list = { ...APP, [req('secrets', 'kv/metadata/').key]: { lease_id: '', lease_duration: 0, renewable: false, data: { keys: ['b', 'a'] } } };
    expect(render('{{#each (secrets "kv/metadata/")}}{{#if true}}{{@index}}{{this}}={{secret "kv/data/app" "Data.data.username"}};{{/if}}{{/each}}', list)).toBe('0a=app;1b=app;');
  });

  it('presents pkiCert as Cert, Key, CA, CAChain with PEM newlines', () => {
    const key = req('pkiCert', 'pki/issue/web', { common_name: 'web' }).key;
    const resp = { lease_id: '', lease_duration: 0, renewable: false, data: { certificate: 'CERT', private_key: 'KEY\n', issuing_ca: 'CA', ca_chain: ['C1', 'C2'] } };
    expect(render('{{#with (pkiCert "pki/issue/web" "common_name=web")}}{{Cert}}{{Key}}{{CA}}{{#each CAChain}}{{this}}{{/each}}{{Data.Cert}}{{/with}}{{pkiCert "pki/issue/web" "common_name=web" "Key"}}', { [key]: resp }))
      .toBe('CERT\nKEY\nCA\nC1\nC2\nCERT\nKEY\n');
  });
});

describe('handlebarsEngine: missing keys', () => {
  it('renders a missing key as empty by default', () => {
    expect(render('[{{#with (secret "kv/data/app")}}{{Data.data.nope}}{{/with}}][{{secret "kv/data/app" "Data.data.nope"}}]', APP)).toBe('[][]');
  });

  it('fails with the key name and position when error_on_missing_key is set', () => {
    const t = handlebarsEngine.compile('line one\n{{#with (secret "kv/data/app")}}{{Data.data.nope}}{{/with}}', { name: '/vault/secrets/app', errorOnMissingKey: true });
    const err = errorOf(() => t.render(contextOf(APP)));
    expect(err).toBeInstanceOf(TemplateRenderError);
    expect(err.message).toBe('template /vault/secrets/app: missing key "nope" at 2:35');
    const t2 = handlebarsEngine.compile('{{secret "kv/data/app" "Data.data.nope"}}', { name: 'n', errorOnMissingKey: true });
    expect(errorOf(() => t2.render(contextOf(APP))).message).toBe('template n: secret: missing key "Data.data.nope" at 1:1');
  });

  it('keeps default usable under error_on_missing_key', () => {
    expect(render('{{#with (secret "kv/data/app")}}{{default Data.data.port "5432"}}/{{default Data.data.username "x"}}{{/with}}', APP, { errorOnMissingKey: true })).toBe('5432/app');
  });
});

describe('handlebarsEngine: helpers', () => {
  const data = { [req('secret', 'kv/data/cfg').key]: kv2({ b: 2, a: 'x&y', list: ['p', 'q'], nested: { z: true, y: null }, text: '  line1\n\nline2  ', b64: 'aGVsbG8gd29ybGQ=' }) };
  const cases: [string, string, string][] = [
    ['env', '{{env "APP_ENV"}}|{{env "UNSET"}}', 'prod|'],
    ['base64Encode', '{{base64Encode "hello world"}}', 'aGVsbG8gd29ybGQ='],
    ['base64Decode', '{{secret "kv/data/cfg" "Data.data.b64" }}={{base64Decode (secret "kv/data/cfg" "Data.data.b64")}}', 'aGVsbG8gd29ybGQ==hello world'],
    ['toJSON', '{{toJSON (secret "kv/data/cfg" "Data.data")}}', '{"a":"x\\u0026y","b":2,"b64":"aGVsbG8gd29ybGQ=","list":["p","q"],"nested":{"y":null,"z":true},"text":"  line1\\n\\nline2  "}'],
    ['toJSONPretty', '{{toJSONPretty (secret "kv/data/cfg" "Data.data.nested")}}', '{\n  "y": null,\n  "z": true\n}'],
    ['toYAML', '{{toYAML (secret "kv/data/cfg" "Data.data.nested")}}', 'y: null\nz: true'],
    ['trimSpace', '[{{trimSpace (secret "kv/data/cfg" "Data.data.text")}}]', '[line1\n\nline2]'],
    ['indent', '{{indent 4 (secret "kv/data/cfg" "Data.data.text")}}', '      line1\n\n    line2  '],
    ['join', '{{join ", " (secret "kv/data/cfg" "Data.data.list")}}', 'p, q'],
    ['split', '{{#each (split "," " a,b,,c ")}}<{{this}}>{{/each}}{{#each (split "," "  ")}}never{{/each}}', '<a><b><><c>'],
    ['split then join', '{{join "+" (split ":" "x:y")}}', 'x+y'],
    ['default', '{{default (secret "kv/data/cfg" "Data.data.missing") "fallback"}} {{default (secret "kv/data/cfg" "Data.data.a") "fallback"}} {{default "" 7}}', 'fallback x&y 7'],
    ['builtin if/each/lookup', '{{#with (secret "kv/data/cfg")}}{{#if Data.data.nested.z}}on{{/if}}{{#unless Data.data.nested.y}}-null{{/unless}} {{lookup Data.data "b"}}{{/with}}', 'on-null 2'],
  ];
  it.each(cases)('%s', (_name, source, expected) => {
    expect(render(source, data, { env: { APP_ENV: 'prod' } })).toBe(expected);
  });

  it.each<[string, string]>([
    ['{{base64Decode "%%%"}}', 'template t: base64Decode: input is not valid base64 at 1:1'],
    ['{{indent "x" "y"}}', 'template t: indent: expects a number of spaces (0-1000) first at 1:1'],
    ['{{join "," "notalist"}}', 'template t: join: expects a list as second argument at 1:1'],
    ['{{trimSpace}}', 'template t: trimSpace: expects 1 argument, got 0 at 1:1'],
    ['\n {{secret 3}}', 'template t: secret: expects a Vault path as first argument at 2:2'],
    ['{{secret "kv/data/x" "a" "b=c"}}', 'template t: secret: arguments after the path must be "key=value" (a field path may come last) at 1:1'],
  ])('reports misuse of %s', (source, message) => {
    const err = errorOf(() => handlebarsEngine.compile(source, { name: 't' }).render(contextOf({})));
    expect([err.constructor, err.message]).toEqual([TemplateRenderError, message]);
  });
});

describe('handlebarsEngine: syntax', () => {
  it('honours custom delimiters, keeping literal {{ in the text', () => {
    expect(render('{{ not a tag }} [[ secret "kv/data/app" "Data.data.username" ]] \\ [[#if true]]yes[[/if]] ]]', APP, { left: '[[', right: ']]' }))
      .toBe('{{ not a tag }} app \\ yes ]]');
  });

  it.each<[string, number, number, string]>([
    ['ok\n  {{#with x}}\n{{/each}}', 2, 6, '{{/each}} does not close {{#with}}'],
    ['line1\n  {{foo bar}', 2, 12, 'unexpected INVALID'],
    ['{{log "x"}}', 1, 1, 'unknown helper "log"'],
    ['a\n {{nohelper "y"}}', 2, 2, 'unknown helper "nohelper"'],
  ])('reports bad syntax with line and column: %j', (source, line, column, detail) => {
    const err = errorOf(() => handlebarsEngine.compile(source, { name: '/vault/secrets/x' }));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err).toMatchObject({ template: '/vault/secrets/x', line, column, message: `template /vault/secrets/x:${line}:${column}: ${detail}` });
  });
});

describe('handlebarsEngine: secrets never in errors', () => {
  const data = { [req('secret', 'kv/data/s').key]: kv2({ password: SENTINEL, nested: { k: SENTINEL } }) };
  it.each([
    '{{#with (secret "kv/data/s")}}{{Data.data.password.length}}{{/with}}',
    '{{#with (secret "kv/data/s")}}{{Data.data.password.foo.bar}}{{/with}}',
    '{{base64Decode (secret "kv/data/s" "Data.data.password")}}',
    '{{indent (secret "kv/data/s" "Data.data.password") "x"}}',
    '{{join (secret "kv/data/s" "Data.data.password") (secret "kv/data/s" "Data.data.nested")}}',
    '{{trimSpace (secret "kv/data/s" "Data.data.nested")}}',
    '{{#with (secret "kv/data/s")}}{{Data.data.nested.missing}}{{/with}}',
  ])('%s', (source) => {
    const t = handlebarsEngine.compile(source, { name: 't', errorOnMissingKey: true });
    const err = errorOf(() => t.render(contextOf(data)));
    expect(err).toBeInstanceOf(TemplateRenderError);
    expect(`${err.message} ${JSON.stringify(err)} ${String(err.stack)}`).not.toContain(SENTINEL);
  });

  it('does not quote the template text in syntax errors', () => {
    const err = errorOf(() => handlebarsEngine.compile(`password=${SENTINEL} {{#if x}`, { name: 't' }));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.message).not.toContain(SENTINEL);
  });
});

describe('handlebarsEngine: function_denylist', () => {
  it('fails a denied helper naming it; the others still render', () => {
    const t = handlebarsEngine.compile('{{env "A"}}-{{base64Encode "x"}}', { name: '/vault/secrets/d' });
    expect(t.render(contextOf({}, { A: 'a' })).output).toBe('a-eA==');
    const denied = { ...contextOf({}, { A: 'a' }), functionDenylist: ['env'] };
    expect(errorOf(() => t.render(denied)).message).toContain('env: function is disabled');
  });
});
