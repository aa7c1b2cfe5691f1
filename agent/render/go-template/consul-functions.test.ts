// consul-template-only functions (no Go/Sprig reference run possible): expectations follow
// consul-template's template/funcs.go and Vault Agent's documented behaviour.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fakeContext, vaultResponse } from '../../../test/fixtures/templates/go-context.ts';
import { goTemplateEngine } from './engine.ts';
import { loadYaml } from './yaml-module.ts';
import { loadSprigTable } from './functions.ts';

// The agent awaits CompiledTemplate.ready before rendering; these tables render synchronously.
beforeAll(() => Promise.all([loadYaml(), loadSprigTable()]));

function render(template: string, data: Record<string, unknown> = {}): string {
  const responses = { 'secret:kv/app': vaultResponse(data) };
  return goTemplateEngine.compile(template, { name: 'c' }).render(fakeContext({ responses, env: { E: 'e' } })).output;
}

function renderError(template: string): string {
  try {
    render(template);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('consul-template functions', () => {
  it.each<[string, string]>([
    ['{{ toTOML (sprig_dict "a" 1 "s" "x\\"y" "f" 1.5 "b" true "l" (sprig_list 1 2) "t" (sprig_dict "k" "v" "u" (sprig_dict "z" 0))) }}',
      'a = 1\nb = true\nf = 1.5\nl = [1, 2]\ns = "x\\"y"\n\n[t]\n  k = "v"\n  [t.u]\n    z = 0'],
    ['{{ toYAML (sprig_dict "s" "123" "e" "" "m" "a\\nb") }}', 'e: ""\nm: |-\n  a\n  b\ns: "123"'],
    ['{{ (parseYAML "a: [1, 2.5]\\nb: {c: x}").b.c }} {{ (parseYAML "a: [1, 2.5]").a }}', 'x [1 2.5]'],
    ['{{ explode (sprig_list (sprig_dict "Key" "a/b" "Value" "1") (sprig_dict "Key" "a/c" "Value" "2")) }}', 'map[a:map[b:1 c:2]]'],
    ['{{ mergeMap (sprig_dict "a" (sprig_dict "x" 1)) (sprig_dict "a" (sprig_dict "x" 2 "y" 3)) }}', 'map[a:map[x:1 y:3]]'],
    ['{{ mergeMapWithOverride (sprig_dict "a" (sprig_dict "x" 1)) (sprig_dict "a" (sprig_dict "x" 2 "y" 3)) }}', 'map[a:map[x:2 y:3]]'],
    ['{{ scratch.SetX "k" 1 }}{{ scratch.SetX "k" 2 }}{{ scratch.Get "k" }} {{ scratch.MapSetX "m" "b" 1 }}{{ scratch.MapSetX "m" "b" 2 }}{{ scratch.MapSet "m" "a" 3 }}{{ scratch.MapValues "m" }} {{ scratch.Key "zz" }} {{ scratch.Get "zz" }}', '1 [3 1] false <no value>'],
    ['{{ range loop "2" "4" }}{{ . }}{{ end }} {{ range loop 0 }}x{{ else }}none{{ end }}', '23 none'],
    ['{{ "aGk_" | base64URLDecode }} {{ parseUint "18446744073709551615" }} {{ parseFloat "-1.5e3" }}', 'hi? 18446744073709551615 -1500'],
    ['{{ executeTemplate "inner" }}{{ define "inner" }}[{{ . }}]{{ end }}', '[<no value>]'],
    ['{{ env "E" }}{{ env "NOPE" }}', 'e'],
    ['{{ sprig_toDate "2006-01-02 15:04" "2026-11-25 09:30" }} {{ sprig_toDate "2006-01-02" "2026-11-25" | sprig_unixEpoch }} {{ sprig_ago (sprig_toDate "2006-01-02 15:04:05" "2026-11-25 08:00:14") }}',
      '2026-11-25 09:30:00 +0000 UTC 1795564800 1h30m1s'],
    ['{{ with secret "kv/app" }}{{ .Data.list | join "," }} {{ .Data.list | containsAll (sprig_list "a") }}{{ end }}', 'a,b true'],
  ])('%s', (template, expected) => {
    expect(render(template, { list: ['a', 'b'] })).toBe(expected);
  });

  it.each<[string, string]>([
    ['{{ divide 0 1 }}', 'template: c:1:3: executing "c" at <divide 0 1>: error calling divide: divide: division by zero'],
    ['{{ modulo 0 1 }}', 'template: c:1:3: executing "c" at <modulo 0 1>: error calling modulo: modulo: division by zero'],
    ['{{ add "1" 1 }}', 'template: c:1:3: executing "c" at <add "1" 1>: error calling add: add: unknown type for [redacted] (string)'],
    ['{{ indent -1 "x" }}', 'template: c:1:3: executing "c" at <indent -1 "x">: error calling indent: indent value must be a positive integer'],
    ['{{ "a;b" | splitToMap ";" "=" }}', 'template: c:1:11: executing "c" at <splitToMap ";" "=">: error calling splitToMap: list item has no key/value separator'],
    ['{{ parseBool "yes" }}', 'template: c:1:3: executing "c" at <parseBool "yes">: error calling parseBool: invalid syntax'],
    ['{{ parseInt "99999999999999999999" }}', 'template: c:1:3: executing "c" at <parseInt "99999999999999999999">: error calling parseInt: value out of range'],
    ['{{ regexMatch "(" "x" }}', 'template: c:1:3: executing "c" at <regexMatch "(" "x">: error calling regexMatch: invalid regular expression'],
    ['{{ toJSON 1 2 }}', 'template: c:1:3: executing "c" at <toJSON 1 2>: wrong number of args for toJSON: want 1 got 2'],
    ['{{ toUpper 1 }}', 'template: c:1:3: executing "c" at <toUpper 1>: wrong type for value; expected string; got int'],
    ['{{ toYAML "x" }}', 'template: c:1:3: executing "c" at <toYAML "x">: wrong type for value; expected map[string]interface {}; got string'],
    ['{{ secret "kv/app" "novalue" }}', 'template: c:1:3: executing "c" at <secret "kv/app" "novalue">: error calling secret: invalid parameter: must be key=value'],
    ['{{ 1 2 }}', 'template: c:1:3: executing "c" at <1 2>: can\'t give argument to non-function 1'],
    ['{{ nil }}', 'template: c:1:3: executing "c" at <nil>: nil is not a command'],
    ['{{ "x" | .Foo }}', 'template: c:1:9: executing "c" at <.Foo>: nil data; no entry for key "Foo"'],
  ])('%s fails', (template, message) => {
    const t = template === '{{ "x" | .Foo }}'
      ? () => goTemplateEngine.compile(template, { name: 'c', errorOnMissingKey: true }).render(fakeContext({}))
      : () => render(template);
    expect(t).toThrow(message);
  });

  it('renders nothing of a template whose secret is missing, without error', () => {
    expect(renderError('{{ with secret "kv/none" }}{{ .Data.x | base64Decode }}{{ end }}')).toBe('no error');
  });
});
