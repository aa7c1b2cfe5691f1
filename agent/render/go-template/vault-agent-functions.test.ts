// The functions Vault Agent 2.0.4 defines beyond the common ones: Sprig's case, wrapping, date,
// semver, URL and must* functions, consul-template's writeToFile and sockaddr; the ones it no
// longer defines; function_denylist. Expectations follow Sprig v3's and consul-template's
// documented examples and Go's semantics.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createCipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { TemplateSyntaxError } from '../../../shared/template-errors.ts';
import {
  notRenderedReason,
  RENDERED_FUNCTIONS,
  UNDEFINED_SINCE_0_41,
} from '../../../shared/go-template/function-names.ts';
import { fakeContext, vaultResponse } from '../../../test/fixtures/templates/go-context.ts';
import type { InterfaceAddress, RenderContext } from '../engine.ts';
import { goTemplateEngine } from './engine.ts';
import { bcryptHash } from './bcrypt.ts';
import { loadSprigTable } from './functions.ts';

const SENTINEL = 'secret-SENTINEL-value';

// The agent awaits CompiledTemplate.ready (which loads the Sprig table) before rendering; these render synchronously.
beforeAll(() => loadSprigTable());

function context(extra: Partial<RenderContext> = {}): RenderContext {
  return {
    ...fakeContext({ responses: { 'secret:kv/app': vaultResponse({ v: SENTINEL }) }, env: { A: 'a' } }),
    ...extra,
  };
}

function render(template: string, extra: Partial<RenderContext> = {}): string {
  return goTemplateEngine.compile(template, { name: 't' }).render(context(extra)).output;
}

function aesCiphertext(password: string, plain: string): string {
  const key = Buffer.alloc(32);
  Buffer.from(password).copy(key);
  const iv = Buffer.alloc(16, 7);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64');
}

describe('Sprig functions Vault Agent defines', () => {
  it.each<[string, string]>([
    [
      '{{ sprig_snakecase "HTTPServer" }} {{ sprig_snakecase "Bld4Floor3rd" }} {{ sprig_snakecase "http2xx" }} {{ sprig_snakecase "GO PATH" }} {{ sprig_snakecase "_AnotherTES_TCaseP" }}',
      'http_server bld4_floor_3rd http_2xx go_path _another_tes_t_case_p',
    ],
    [
      '{{ sprig_kebabcase "FirstName" }} {{ sprig_camelcase "http_server" }} {{ sprig_camelcase "_complex__case_" }}',
      'first-name HttpServer _Complex_Case_',
    ],
    [
      '{{ sprig_swapcase "This Is A.Test" }}|{{ sprig_untitle "Hello World" }}|{{ sprig_initials "First Try" }}',
      'tHIS iS a.tEST|hello world|FT',
    ],
    ['{{ sprig_wrap 5 "Hello World" }}|{{ sprig_wrapWith 5 "\\t" "Hello World" }}', 'Hello\nWorld|Hello\tWorld'],
    [
      '{{ sprig_abbrev 5 "hello world" }} {{ sprig_abbrevboth 5 10 "1234 5678 9123" }} {{ sprig_abbrev 3 "keep" }}',
      'he... ...5678... keep',
    ],
    [
      '{{ sprig_plural "one anchovy" "many anchovies" 2 }} {{ sprig_toDecimal "0777" }} {{ sprig_toDecimal "-17" }} {{ sprig_toDecimal "1777777777777777777777" }} {{ sprig_toDecimal "8" }} {{ sprig_hello }}',
      'many anchovies 511 -15 0 0 Hello!',
    ],
    [
      '{{ sprig_sha512sum "" }}',
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    ],
    [
      '{{ sprig_toDate "2006-01-02" "2017-12-31" }}|{{ sprig_toDate "2006-01-02" "not a date" }}',
      '2017-12-31 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC',
    ],
    ['{{ sprig_toDate "2006-01-02T15:04:05Z07:00" "2024-02-29T10:00:00+02:00" | sprig_unixEpoch }}', '1709193600'],
    [
      '{{ sprig_toDate "Jan 2, 2006 at 3:04pm" "Feb 3, 2013 at 7:54pm" | sprig_mustDateModify "-1.5h" }}',
      '2013-02-03 18:24:00 +0000 UTC',
    ],
    [
      '{{ sprig_duration "95" }} {{ sprig_duration 95 }} {{ sprig_durationRound "2h10m5s" }} {{ sprig_durationRound "800h" }}',
      '1m35s 0s 2h 1mo',
    ],
    [
      '{{ $v := sprig_semver "v1.2.3-beta.1+b5" }}{{ $v }} {{ $v.Major }} {{ $v.Prerelease }} {{ sprig_semver "1.2" }}',
      '1.2.3-beta.1+b5 1 beta.1 1.2.0',
    ],
    [
      '{{ sprig_semverCompare "^1.2.0" "1.4.5" }} {{ sprig_semverCompare "^1.2.0" "2.0.0" }} {{ sprig_semverCompare "~1.2.3" "1.2.9" }} {{ sprig_semverCompare "~1.2.3" "1.3.0" }}',
      'true false true false',
    ],
    [
      '{{ sprig_semverCompare ">=1.0, <2.0" "1.5.0" }} {{ sprig_semverCompare "1.x" "1.9.9" }} {{ sprig_semverCompare "1.2 - 1.4" "1.4.0" }} {{ sprig_semverCompare "<2 || >3" "4.0.0" }}',
      'true true true true',
    ],
    [
      '{{ sprig_semverCompare ">1.0.0" "1.0.0-rc1" }} {{ sprig_semverCompare ">=1.0.0-0" "1.0.0-rc1" }} {{ sprig_semverCompare "!=1.2.3" "1.2.4" }} {{ sprig_semverCompare "^0.2.3" "0.3.0" }}',
      'false true true false',
    ],
    [
      '{{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "vault.example.com:8200" "path" "/v1/secret" "query" "a=1") }} {{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "h" "path" "a b") }}',
      'https://vault.example.com:8200/v1/secret?a=1 https://h/a%20b',
    ],
    [
      '{{ $u := sprig_urlParse "postgres://user:p%40ss@db:5432/app?sslmode=disable#frag" }}{{ $u.scheme }} {{ $u.host }} {{ $u.hostname }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}',
      'postgres db:5432 db /app sslmode=disable frag user:p%40ss',
    ],
    [
      '{{ sprig_mustToJson (sprig_dict "a" "<b>") }} {{ sprig_mustToRawJson (sprig_dict "a" "<b>") }} {{ (sprig_mustFromJson "{\\"k\\": 2}").k }}',
      '{"a":"\\u003cb\\u003e"} {"a":"<b>"} 2',
    ],
    [
      '{{ sprig_chunk 2 (sprig_list 1 2 3) }} {{ sprig_mustLast (sprig_list 1 2) }} {{ sprig_mustHas 2 (sprig_list 1 2) }} {{ sprig_deepCopy (sprig_dict "a" (sprig_list 1)) }}',
      '[[1 2] [3]] 2 true map[a:[1]]',
    ],
    [
      '{{ sprig_typeIsLike "string" "x" }} {{ sprig_osBase "/a/b.txt" }} {{ sprig_mustRegexFind "[0-9]+" "ab12c" }}',
      'true b.txt 12',
    ],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it("derives Master Password passwords (Sprig's documented example)", () => {
    expect(
      render(
        '{{ sprig_derivePassword 1 "long" "password" "user" "example.com" }} {{ sprig_derivePassword 1 "nope" "p" "u" "s" }}',
      ),
    ).toBe('ZedaFaxcZaso9* cannot find password template nope');
  });

  it("keeps a parsed zone offset and nanoseconds, as Go's time.Time prints and formats them", () => {
    const t = 'sprig_toDate "2006-01-02T15:04:05.999999999Z07:00" "2024-01-01T10:00:00.123456789+02:00"';
    expect(render(`{{ ${t} }}`)).toBe('2024-01-01 10:00:00.123456789 +0200 +0200');
    expect(render(`{{ (${t}).Format "15:04 MST -07:00" }} {{ (${t}).UTC }} {{ ${t} | sprig_unixEpoch }}`)).toBe(
      '10:00 +0200 +02:00 2024-01-01 08:00:00.123456789 +0000 UTC 1704096000',
    );
    expect(render(`{{ ${t} | sprig_mustDateModify "-10h1ns" }}`)).toBe('2024-01-01 00:00:00.123456788 +0200 +0200');
    expect(
      render(
        '{{ sprig_toDate "2006-01-02 15:04 MST" "2024-01-01 10:00 PST" }} {{ sprig_toDate "2006-01-02 Z07:00" "2024-01-01 Z" }}',
      ),
    ).toBe('2024-01-01 10:00:00 +0000 PST 2024-01-01 00:00:00 +0000 UTC');
    expect(render(`{{ toJSON (sprig_list (${t})) }}`)).toBe('["2024-01-01T10:00:00.123456789+02:00"]');
  });

  it('decrypts what AES-256-CBC with a zero-padded password key encrypted', () => {
    const crypt = aesCiphertext('secretkey', 'plain text');
    expect(render(`{{ "${crypt}" | sprig_decryptAES "secretkey" }}`)).toBe('plain text');
  });

  it.each<[string, string]>([
    [
      '{{ sprig_mustToDate "2006-01-02" "x" }}',
      'error calling sprig_mustToDate: parsing time "x" as "2006-01-02": cannot parse "x" as "2006"',
    ],
    [
      '{{ sprig_mustToDate "2006-01-02" "2020/01/02" }}',
      'parsing time "2020/01/02" as "2006-01-02": cannot parse "/01/02" as "-"',
    ],
    ['{{ sprig_mustToDate "2006-01-02" "2020-01-02x" }}', 'parsing time "2020-01-02x": extra text: "x"'],
    ['{{ sprig_mustToDate "2006-01-02" "2020-13-02" }}', 'parsing time "2020-13-02": month out of range'],
    ['{{ sprig_mustToDate "2006-01-02" "2023-02-29" }}', 'parsing time "2023-02-29": day out of range'],
    ['{{ sprig_semver "1.2.x.y" }}', 'error calling sprig_semver: Invalid Semantic Version'],
    ['{{ sprig_mustFromJson "{" }}', 'error calling sprig_mustFromJson: invalid JSON'],
    [
      '{{ sprig_mustDateModify "1x" (sprig_toDate "2006" "2020") }}',
      'error calling sprig_mustDateModify: time: invalid duration "1x"',
    ],
  ])('%s fails', (template, message) => {
    expect(() => render(template)).toThrow(message);
  });
});

describe('Sprig must twins and os path aliases', () => {
  it.each<[string, string]>([
    [
      '{{ sprig_mustRest (sprig_list 1 2 3) }} {{ sprig_mustInitial (sprig_list 1 2 3) }} {{ sprig_mustFirst (sprig_list 1 2) }}',
      '[2 3] [1 2] 1',
    ],
    [
      '{{ sprig_mustAppend (sprig_list 1) 2 }} {{ sprig_mustPush (sprig_list 1) 2 }} {{ sprig_mustPrepend (sprig_list 1) 0 }}',
      '[1 2] [1 2] [0 1]',
    ],
    [
      '{{ sprig_mustReverse (sprig_list 1 2) }} {{ sprig_mustUniq (sprig_list 1 1 2) }} {{ sprig_mustWithout (sprig_list 1 2) 1 }}',
      '[2 1] [1 2] [2]',
    ],
    [
      '{{ sprig_mustCompact (sprig_list 1 "" 2) }} {{ sprig_mustSlice (sprig_list 1 2 3) 1 }} {{ sprig_mustChunk 1 (sprig_list 1 2) }}',
      '[1 2] [2 3] [[1] [2]]',
    ],
    [
      '{{ sprig_mustMerge (sprig_dict "a" 1) (sprig_dict "a" 2 "b" 3) }} {{ sprig_mustMergeOverwrite (sprig_dict "a" 1) (sprig_dict "a" 2) }}',
      'map[a:1 b:3] map[a:2]',
    ],
    ['{{ sprig_mustDeepCopy (sprig_list 1) }} {{ sprig_mustToPrettyJson (sprig_dict "a" 1) }}', '[1] {\n  "a": 1\n}'],
    [
      '{{ sprig_mustRegexMatch "^a" "ab" }} {{ sprig_mustRegexFindAll "[0-9]" "a1b2" -1 }} {{ sprig_mustRegexSplit "," "a,b" -1 }}',
      'true [1 2] [a b]',
    ],
    [
      '{{ sprig_mustRegexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ sprig_mustRegexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}',
      '-W-xxW- -${1}-${1}-',
    ],
    [
      '{{ sprig_osDir "/a/b.txt" }} {{ sprig_osExt "/a/b.txt" }} {{ sprig_osClean "/a/../b/" }} {{ sprig_osIsAbs "a" }}',
      '/a .txt /b false',
    ],
    ['{{ sprig_toDate "2006-01-02" "2020-01-01" | sprig_must_date_modify "24h" }}', '2020-01-02 00:00:00 +0000 UTC'],
    [
      '{{ toUnescapedJSONPretty (sprig_dict "a" "<") }} {{ sprig_trimall "$" "$5.00$" }} {{ sprig_int64 "42" }} {{ sprig_biggest 1 5 3 }}',
      '{\n  "a": "<"\n} 5.00 42 5',
    ],
    [
      '{{ sprig_add1f 1.5 }} {{ sprig_minf 1.5 0.5 }} {{ sprig_tuple 1 "a" }} {{ sprig_push (sprig_list 1) 2 }} {{ sprig_values (sprig_dict "a" 1) }}',
      '2.5 0.5 [1 a] [1 2] [1]',
    ],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('Sprig functions with a random result', () => {
  it("draws randInt and shuffle from the render's random source", () => {
    const draws = [0.5, 0.99, 0, 0.25];
    let i = 0;
    const random = (): number => draws[i++ % draws.length] ?? 0;
    expect(render('{{ sprig_randInt 10 20 }} {{ sprig_randInt 10 20 }} {{ sprig_randInt 10 20 }}', { random })).toBe(
      '15 19 10',
    );
    i = 0;
    // Fisher-Yates from the end: j = floor(r * (i + 1)) for i = 3, 2, 1.
    expect(render('{{ sprig_shuffle "abcd" }}', { random })).toBe('badc');
    expect(() => render('{{ sprig_randInt 5 5 }}')).toThrow('error calling sprig_randInt: invalid argument to Intn');
  });

  it('encrypts with a fresh IV each time, which decryptAES reverses', () => {
    const out = render(
      '{{ $c := sprig_encryptAES "k" "hello" }}{{ $d := sprig_encryptAES "k" "hello" }}{{ eq $c $d }} {{ $c | sprig_decryptAES "k" }}',
    );
    expect(out).toBe('false hello');
  });

  it('generates PEM private keys of the named type', () => {
    const pem = (type: string): string => render(`{{ sprig_genPrivateKey "${type}" }}`);
    expect(createPrivateKey(pem('ecdsa')).asymmetricKeyType).toBe('ec');
    expect(pem('ecdsa')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+-----END EC PRIVATE KEY-----\n$/);
    expect(createPrivateKey(pem('ed25519')).asymmetricKeyType).toBe('ed25519');
    expect(pem('ed25519')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pem('nope')).toBe('Unknown type nope');
    expect(() => pem('dsa')).toThrow('vaultlet does not generate DSA keys');
  });
});

describe('bcrypt and htpasswd', () => {
  const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  /** bcrypt's base64 of a 22-character salt: its 16 bytes. */
  const saltBytes = (text: string): Buffer => {
    const out: number[] = [];
    let acc = 0;
    let bits = 0;
    for (const ch of text) {
      acc = ((acc << 6) | ALPHABET.indexOf(ch)) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 0xff);
      }
    }
    return Buffer.from(out.slice(0, 16));
  };

  it.each([
    ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
    ['a', '$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe'],
    ['abc', '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i'],
  ])('hashes %j as the published bcrypt test vector', (password, hash) => {
    expect(bcryptHash(Buffer.from(password), saltBytes(hash.slice(7, 29)), 6)).toBe(hash);
  });

  it('renders bcrypt and htpasswd with a fresh salt at cost 10', () => {
    const out = render(
      '{{ sprig_bcrypt "pw" }} {{ sprig_htpasswd "user" "pw" }} {{ sprig_htpasswd "user" "pw" "sha" }} {{ sprig_htpasswd "a:b" "pw" }}',
    );
    const [hash = '', entry = '', sha = '', bad = ''] = out.split(' ');
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcryptHash(Buffer.from('pw'), saltBytes(hash.slice(7, 29)), 10)).toBe(hash);
    expect(entry).toMatch(/^user:\$2a\$10\$/);
    expect(entry.slice(5)).not.toBe(hash);
    expect(sha).toBe('user:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=');
    expect(bad).toBe('invalid');
    expect(render(`{{ sprig_bcrypt "${'x'.repeat(73)}" }}`)).toBe(
      'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes',
    );
  });
});

describe('costly Sprig calls', () => {
  it('allows 16 key generations, bcrypt or scrypt calls per render and fails the 17th', () => {
    expect(render('{{ range loop 16 }}{{ sprig_htpasswd "u" "p" "sha" }}{{ end }}')).toHaveLength(
      16 * 'u:{SHA}UW6tzE0ngGAg2nBr2Y0Ldqr0phk='.length,
    );
    expect(() => render('{{ range loop 17 }}{{ sprig_htpasswd "u" "p" "sha" }}{{ end }}')).toThrow(
      'error calling sprig_htpasswd: sprig_htpasswd: more than 16 key generations, bcrypt or scrypt calls in one render',
    );
  });
});

describe('Sprig certificate functions', () => {
  const pems = (out: string): string[] => out.split(/(?=-----BEGIN )/);

  it('issues a CA and a certificate it signs, valid from the render clock, with the SANs asked for', () => {
    const out = render(
      '{{ $ca := sprig_genCA "my-ca" 365 }}{{ $c := sprig_genSignedCert "web.example.com" (sprig_list "10.0.0.1" "::1") (sprig_list "web.example.com") 30 $ca }}{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}',
    );
    const [caPem = '', leafPem = '', keyPem = ''] = pems(out);
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(leafPem);
    expect([ca.subject, ca.ca, ca.validFrom]).toEqual(['CN=my-ca', true, 'Nov 25 09:30:15 2026 GMT']);
    expect(ca.validTo).toBe('Nov 25 09:30:15 2027 GMT');
    expect([leaf.subject, leaf.issuer, leaf.ca]).toEqual(['CN=web.example.com', 'CN=my-ca', false]);
    expect(leaf.subjectAltName).toBe('DNS:web.example.com, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPublicKey(keyPem).export({ type: 'spki', format: 'pem' })).toBe(
      leaf.publicKey.export({ type: 'spki', format: 'pem' }),
    );
  });

  it('uses a given key, self-signs, and rebuilds a certificate from base64', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'sec1', format: 'pem' })
      .toString();
    const out = render(
      `{{ $c := sprig_genSelfSignedCertWithKey "self" nil nil 1 "${key.replaceAll('\n', '\\n')}" }}{{ $c.Cert }}{{ $c.Key }}{{ $b := sprig_buildCustomCert ($c.Cert | sprig_b64enc) ($c.Key | sprig_b64enc) }}{{ eq $b.Cert $c.Cert }}`,
    );
    const [certPem = '', keyPem = ''] = pems(out);
    const cert = new X509Certificate(certPem);
    expect([cert.subject, cert.issuer, cert.ca]).toEqual(['CN=self', 'CN=self', false]);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(keyPem).toBe(`${key.trimEnd()}\n` + 'true');
  });

  it('signs with a given key and a CA made from a given key', () => {
    const caKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const leafKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const esc = (k: string): string => k.replaceAll('\n', '\\n');
    const out = render(
      `{{ $ca := sprig_genCAWithKey "ca" 1 "${esc(caKey)}" }}{{ $c := sprig_genSignedCertWithKey "leaf" nil nil 1 $ca "${esc(leafKey)}" }}{{ $ca.Cert }}{{ $c.Cert }}{{ $ca.Key }}{{ $c.Key }}`,
    );
    const [caPem = '', leafPem = '', caKeyOut = '', leafKeyOut = ''] = pems(out);
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(leafPem);
    expect(leaf.verify(ca.publicKey) && leaf.checkIssued(ca)).toBe(true);
    expect([caKeyOut, leafKeyOut]).toEqual([caKey, leafKey]);
    expect(
      new X509Certificate(render('{{ (sprig_genSelfSignedCert "s" nil (sprig_list "s.example") 1).Cert }}'))
        .subjectAltName,
    ).toBe('DNS:s.example');
  });

  it('fails on a bad IP or a bad base64 certificate', () => {
    expect(() => render('{{ sprig_genSelfSignedCert "x" (sprig_list "10.0.0.300") nil 1 }}')).toThrow(
      'error calling sprig_genSelfSignedCert: error parsing ip: 10.0.0.300',
    );
    expect(() => render('{{ sprig_buildCustomCert "%%%" "" }}')).toThrow(
      'error calling sprig_buildCustomCert: unable to decode base64 certificate',
    );
  });
});

describe('consul-template writeToFile and sockaddr', () => {
  it('records writeToFile calls of a complete render for the renderer, printing nothing', () => {
    const t = goTemplateEngine.compile(
      'a{{ with secret "kv/app" }}{{ .Data.v | writeToFile "/s/f" "" "" "0600" "append,newline" }}{{ end }}{{ "x" | writeToFile "/s/g" "" "" "644" }}b',
      { name: 'w' },
    );
    const result = t.render(context());
    expect(result.output).toBe('ab');
    expect(result.fileWrites).toEqual([
      { path: '/s/f', user: '', group: '', mode: 0o600, content: SENTINEL, append: true, newline: true },
      { path: '/s/g', user: '', group: '', mode: 0o644, content: 'x', append: false, newline: false },
    ]);
    // Nothing is recorded while a secret is still missing: the render is not complete.
    expect(t.render(fakeContext({})).fileWrites).toBeUndefined();
  });

  it('fails writeToFile on bad permissions without echoing the content', () => {
    const t = goTemplateEngine.compile(
      '{{ with secret "kv/app" }}{{ .Data.v | writeToFile "/s/f" "" "" "rw" }}{{ end }}',
      { name: 'w' },
    );
    expect(() => t.render(context())).toThrow(
      'error calling writeToFile: strconv.ParseUint: parsing "rw": invalid syntax',
    );
    try {
      t.render(context());
    } catch (err) {
      expect((err as Error).message).not.toContain(SENTINEL);
    }
  });

  it('reads FLAGS only when exactly one argument precedes CONTENT, as consul-template does', () => {
    const r = goTemplateEngine
      .compile('{{ writeToFile "/s/f" "" "" "0644" "append" "ignored" "x" }}', { name: 'w' })
      .render(context());
    expect(r.fileWrites?.[0]).toMatchObject({ content: 'x', append: false, newline: false });
  });

  it('applies only the permission bits of writeToFile PERMS', () => {
    const setuid = goTemplateEngine
      .compile('{{ "x" | writeToFile "/s/f" "" "" "4755" }}', { name: 'w' })
      .render(context());
    expect(setuid.fileWrites?.[0]?.mode).toBe(0o755);
    expect(() =>
      goTemplateEngine
        .compile('{{ "x" | writeToFile "/s/f" "" "" "77777777777777" }}', { name: 'w' })
        .render(context()),
    ).toThrow('value out of range');
  });

  it('evaluates sockaddr lookups over the host addresses', () => {
    const addresses: InterfaceAddress[] = [
      { name: 'lo', address: '127.0.0.1', family: 'IPv4', internal: true },
      { name: 'eth0', address: 'fe80::1', family: 'IPv6', internal: false },
      { name: 'eth0', address: '10.1.2.3', family: 'IPv4', internal: false },
      { name: 'eth1', address: '203.0.113.9', family: 'IPv4', internal: false },
      { name: 'eth1', address: '8.8.4.4', family: 'IPv4', internal: false },
    ];
    const out = render(
      '{{ sockaddr "GetPrivateIP" }} {{ sockaddr "GetPublicIP" }} {{ sockaddr "GetPublicIPs" }} {{ sockaddr "GetInterfaceIP \\"eth0\\"" }} {{ sockaddr "GetInterfaceIPs" "\\"eth0\\"" }}',
      { interfaces: () => addresses },
    );
    // 203.0.113.0/24 is RFC 6890 documentation space: not public.
    expect(out).toBe('10.1.2.3 8.8.4.4 8.8.4.4 10.1.2.3 fe80::1 10.1.2.3');
    const pipe = (expr: string): string =>
      render(`{{ sockaddr ${JSON.stringify(expr)} }}`, { interfaces: () => addresses });
    expect(pipe('GetAllInterfaces | include "name" "^eth" | include "type" "IPv4" | attr "address"')).toBe('10.1.2.3');
    expect(pipe('GetAllInterfaces | exclude "flags" "loopback" | join "address" ","')).toBe(
      'fe80::1,10.1.2.3,203.0.113.9,8.8.4.4',
    );
    expect(pipe('GetPrivateInterfaces | include "rfc" "1918" | attr "name"')).toBe('eth0');
    expect(pipe('GetDefaultInterfaces | include "flag" "forwardable" | offset 1 | limit 2')).toBe(
      '203.0.113.9 8.8.4.4',
    );
    expect(() => pipe('GetAllInterfaces | sort "address"')).toThrow(
      'error calling sockaddr: sockaddr: vaultlet evaluates',
    );
    expect(() => pipe('GetAllInterfaces | attr "mtu"')).toThrow('unknown attribute "mtu"');
  });
});

describe('functions Vault Agent does not define, or vaultlet does not render', () => {
  it('fails to parse a Sprig non-hermetic function, as Go says, and gives the webhook its reason', () => {
    for (const name of [
      'sprig_now',
      'sprig_uuidv4',
      'sprig_randAlphaNum',
      'sprig_env',
      'sprig_date',
      'sprig_dateModify',
    ]) {
      expect(() => goTemplateEngine.compile(`{{ ${name} }}`, { name: 'u' })).toThrow(TemplateSyntaxError);
      expect(() => goTemplateEngine.compile(`{{ ${name} }}`, { name: 'u' })).toThrow(`function "${name}" not defined`);
      expect(notRenderedReason(name)).toContain('consul-template 0.41');
      expect(UNDEFINED_SINCE_0_41.has(name)).toBe(true);
    }
    expect(notRenderedReason('sprig_now')).toContain('changes on every render');
  });

  it('names the alternative for Consul, Nomad and generating functions; nothing for rendered ones', () => {
    expect(notRenderedReason('key')).toContain('Consul');
    expect(notRenderedReason('nomadVar')).toContain('Nomad');
    expect(notRenderedReason('spew_dump')).toContain('log');
    expect(notRenderedReason('plugin')).toContain('external program');
    expect(notRenderedReason('sprig_upper')).toBeUndefined();
    expect(notRenderedReason('writeToFile')).toBeUndefined();
    for (const name of [
      'writeToFile',
      'sprig_urlJoin',
      'sprig_toDate',
      'sprig_semverCompare',
      'sprig_snakecase',
      'sprig_mustToJson',
      'sockaddr',
    ]) {
      expect(RENDERED_FUNCTIONS.has(name)).toBe(true);
    }
  });
});

describe('function_denylist', () => {
  it('fails a denied call naming the function; other calls still render', () => {
    const t = goTemplateEngine.compile('{{ sprig_upper "x" }}{{ env "A" }}', { name: 'd' });
    expect(t.render(context()).output).toBe('Xa');
    expect(() => t.render(context({ functionDenylist: ['env'] }))).toThrow(
      'template: d:1:24: executing "d" at <env "A">: error calling env: function is disabled',
    );
    expect(() => t.render(context({ functionDenylist: ['sprig_upper'] }))).toThrow(
      'error calling sprig_upper: function is disabled',
    );
    expect(t.render(context({ functionDenylist: ['file', 'no_such_function'] })).output).toBe('Xa');
  });
});
