import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { variedPod } from '../../bench/pod-pool.ts';
import { CONSUL_TEMPLATE_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import { parseTemplate, TemplateTooLargeError } from '../../shared/go-template/parse.ts';
import { scanTemplateSyntax } from '../../shared/go-template/syntax-scan.ts';
import { TemplateSyntaxError } from '../../shared/template-errors.ts';
import { GO_CASES } from '../../test/fixtures/templates/go-cases.ts';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { calledFunctions } from './template-calls.ts';

interface Delims {
  readonly left: string;
  readonly right: string;
}

/** What the webhook learns from a template, as one comparable value. */
type Verdict =
  | { readonly kind: 'valid'; readonly tokens: number; readonly calls: readonly string[] }
  | {
      readonly kind: 'tooLarge' | 'invalid';
      readonly message: string;
      readonly line: number;
      readonly column: number;
      readonly undefinedFunction: string | undefined;
    }
  | { readonly kind: 'handover' };

const optionsFor = (d: Delims, maxTokens: number | undefined) => ({
  name: 'template',
  leftDelim: d.left,
  rightDelim: d.right,
  functions: CONSUL_TEMPLATE_FUNCTIONS,
  ...(maxTokens === undefined ? {} : { maxTokens }),
});

function failed(err: unknown): Verdict {
  if (!(err instanceof TemplateSyntaxError)) throw err;
  const { message, line, column, undefinedFunction } = err;
  return {
    kind: err instanceof TemplateTooLargeError ? 'tooLarge' : 'invalid',
    message,
    line,
    column,
    undefinedFunction,
  };
}

/** The reference: the tree parseTemplate builds and the calls calledFunctions finds in it. */
function parsed(source: string, d: Delims, maxTokens?: number): Verdict {
  try {
    const tree = parseTemplate(source, optionsFor(d, maxTokens));
    return { kind: 'valid', tokens: tree.tokenCount, calls: calledFunctions(tree) };
  } catch (err) {
    return failed(err);
  }
}

function scanned(source: string, d: Delims, maxTokens?: number): Verdict {
  const scan = scanTemplateSyntax(source, optionsFor(d, maxTokens));
  if (scan.kind === 'invalid') return failed(scan.error);
  return scan.kind === 'valid' ? { kind: 'valid', tokens: scan.tokens, calls: scan.calls } : scan;
}

const DEFAULT: Delims = { left: '{{', right: '}}' };

describe('calledFunctions', () => {
  it('lists each function once, the defined templates last-first and then the body', () => {
    const tree = parseTemplate(
      '{{ toJSON (secret "a") }}{{ define "x" }}{{ toYAML . }}{{ end }}{{ block "y" . }}{{ base64Encode . | toJSON }}{{ end }}{{ secret "b" }}',
      optionsFor(DEFAULT, undefined),
    );
    expect(calledFunctions(tree)).toEqual(['base64Encode', 'toJSON', 'toYAML', 'secret']);
  });
});

// --- a grammar of template pieces, valid and nearly so ---------------------------------------------

const DELIMS: readonly Delims[] = [
  DEFAULT,
  { left: '', right: '' },
  { left: '[[', right: ']]' },
  { left: '<%', right: '%>' },
  { left: '«', right: '»' },
  { left: '{{{', right: '}}}' },
];

const validAtom = fc.constantFrom(
  '.',
  '.Data',
  '.Data.password',
  '.Data.data.a_b',
  '$',
  '$x',
  '$k',
  '$v',
  '$.Data',
  '$x.Field',
  'true',
  'false',
  'nil',
  '1',
  '-3',
  '+4',
  '0x1F',
  '0o17',
  '017',
  '1_000',
  '1e3',
  '1.5',
  '.5',
  '0x1p-2',
  "'a'",
  "'\\n'",
  "'\\x41'",
  "'é'",
  '"str"',
  '"a\\"b"',
  '"\\u00e9"',
  '"😀"',
  '`raw`',
  '`r\nw`',
  'secret',
  'toJSON',
  'printf',
  'len',
  'index',
  'and',
  'not',
  'sprig_default',
  'base64Encode',
);
/** Pieces the lexer, the literal rules or the function and variable checks refuse. */
const oddAtom = fc.constantFrom(
  '3k',
  '1e400',
  '99999999999999999999',
  '1i',
  '08',
  "'ab'",
  "''",
  '"\\q"',
  '"\\x4"',
  '"unterminated',
  '`unterminated',
  '𝐀',
  '.Data.',
  '..',
  'x:y',
  '#',
  '\\',
  '(',
  ')',
  ',',
  '=',
  ':=',
  '$undefined',
  'foo',
  'sprig_uuidv4',
  'é',
  '"s".f',
  'true.x',
  '1.5.x',
  '..Data',
  '$.x.',
  '"\\u00"',
);

const space = fc.constantFrom(' ', ' ', '  ', '\t', '\n', '');

/**
 * Template text with `L` and `R` standing for the delimiters, filled in later. Strict templates
 * use only well-formed pieces (most parse; variables may still be out of scope), loose ones mix in
 * stray and malformed pieces everywhere.
 */
function templates(loose: boolean): fc.Arbitrary<string> {
  const atom = loose ? fc.oneof({ arbitrary: validAtom, weight: 8 }, { arbitrary: oddAtom, weight: 1 }) : validAtom;
  const pick = (strict: readonly string[], odd: readonly string[]): fc.Arbitrary<string> =>
    loose
      ? fc.oneof(
          { arbitrary: fc.constantFrom(...strict), weight: 3 },
          { arbitrary: fc.constantFrom(...odd), weight: 1 },
        )
      : fc.constantFrom(...strict);
  const expr = fc.letrec<{ operand: string; command: string; pipeline: string }>((tie) => ({
    operand: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      atom,
      atom,
      fc.tuple(tie('pipeline'), pick(['', '.Field', '.a.b'], [' ', '.'])).map(([p, f]) => `(${p})${f}`),
    ),
    command: fc
      .array(fc.tuple(tie('operand'), space), { minLength: 1, maxLength: 3 })
      .map((ops) => ops.map(([o, sp], i) => `${o}${i < ops.length - 1 ? sp || ' ' : ''}`).join('')),
    pipeline: fc
      .tuple(
        fc.oneof(
          { arbitrary: fc.constant(''), weight: 4 },
          pick(
            ['$x := ', '$k, $v := ', '$y := ', '$x = ', '$v = '],
            ['$a, $b, $c := ', '$i, := ', '$x, ', '$k, $v = ', '$x := $y := '],
          ),
        ),
        fc.array(tie('command'), { minLength: loose ? 0 : 1, maxLength: 3 }),
        space,
      )
      .map(([decl, cmds, sp]) => `${decl}${cmds.join(`${sp}|${sp}`)}`),
  })).pipeline;
  const left = pick(['L ', 'L- ', 'L'], ['L-']);
  const right = pick([' R', ' -R', 'R'], ['-R']);
  return fc.letrec<{ items: string; item: string }>((tie) => ({
    items: fc.array(tie('item'), { maxLength: 5 }).map((xs) => xs.join('')),
    item: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      pick(
        ['text', ' ', '\n', '  \n\t', 'é😀', '{', '}', '-', '/*', 'x\ny'],
        ['L', 'R', 'L R', 'L end R', 'L else R', 'L define R'],
      ),
      fc.tuple(left, expr, right).map((p) => p.join('')),
      pick(['L/* c */R', 'L- /* c\n */ -R'], ['L/* x */ R', 'L/* open', 'L /* c */R']),
      fc
        .tuple(
          fc.constantFrom('if', 'with', 'range'),
          left,
          expr,
          right,
          tie('items'),
          pick(['', 'L else R', 'L- else -R', 'L else if .A R', 'L else with .B R'], ['L else range R', 'L else if R']),
          tie('items'),
          pick(['L end R', 'L- end -R'], ['L end', '', 'L else R']),
        )
        .map(([kw, l, p, r, a, e, b, end]) => `${l}${kw} ${p}${r}${a}${e}${e === '' ? '' : b}${end}`),
      fc
        .tuple(
          fc.constantFrom('define', 'block'),
          pick(['"a"', '"b"', '`a`'], ['x', '"\\q"', '']),
          expr,
          tie('items'),
          pick(['L end R'], ['L else R', '']),
        )
        .map(([kw, name, p, a, end]) => `L ${kw} ${name}${kw === 'block' ? ` ${p}` : ''} R${a}${end}`),
      fc
        .tuple(pick(['"a"', '"b"', '`c`'], ['x']), pick(['', ' .', ' secret "x"', ' $'], [' |']))
        .map(([n, p]) => `L template ${n}${p} R`),
      pick(['L break R', 'L continue R', 'L- break -R'], ['L break 1 R']),
    ),
  })).items;
}

/** Whole definitions: a later one of the same name replaces the earlier one, and its calls. */
const DEFINITIONS = [
  'L define "a" RL toJSON . RL end R',
  'L define "a" RL secret "p" RL end R',
  'L block "a" . RL toYAML . RL end R',
  'L- define "b" -RL printf "x" RL end R',
  'L block "b" (index . 1) RL and 1 RL end R',
  'L toJSON . R',
];

/** Well-formed actions in any order: scopes, definitions and loop controls meet at random. */
const actionSoup: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      'L $x := 1 R',
      'L if $y := .A R',
      'L range $k, $v := . R',
      'L with $x := .B R',
      'L range $i := .C R',
      'L if .D R',
      'L end R',
      'L else R',
      'L else if $y R',
      'L else with $k R',
      'L $x R',
      'L $y R',
      'L $k R',
      'L $v.Field R',
      'L $x = 3 R',
      'L define "a" R',
      'L define "b" R',
      'L block "a" . R',
      'L template "a" R',
      'L break R',
      'L continue R',
      'L toJSON . R',
      'L secret "p" R',
      'L base64Encode "s" | toYAML R',
      'L printf "%d" (len .) R',
      'text',
      '\n',
      ...DEFINITIONS,
    ),
    { maxLength: 12 },
  )
  .map((xs) => xs.join(''));

/** Long runs of declarations and uses in nested scopes: past a few dozen variables in scope the
 * scanner keeps counts rather than a list. */
const scopes: fc.Arbitrary<string> = fc.letrec<{ top: string; body: string; item: string }>((tie) => ({
  body: fc.array(tie('item'), { maxLength: 8 }).map((xs) => xs.join('')),
  // Enough declarations up front that every scope below is past the list.
  top: fc
    .array(tie('item'), { minLength: 10, maxLength: 40 })
    .map((xs) => `${'L $a := 0 RL $b := 0 R'.repeat(17)}${xs.join('')}`),
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fc.constantFrom('L $a := 1 R', 'L $b := 2 R', 'L $a = 3 R', 'L $h := 4 R'), weight: 8 },
    { arbitrary: fc.constantFrom('L $a R', 'L $b R', 'L $f R', 'L $g R', 'L $h R', 'L $.x R'), weight: 2 },
    {
      arbitrary: fc
        .tuple(
          fc.constantFrom('L if 1 R', 'L with $f := 1 R', 'L range $g := . R', 'L block "t" . R'),
          tie('body'),
          fc.constantFrom('', 'L else R'),
          tie('body'),
        )
        .map(([open, a, e, b]) => `${open}${a}${e}${e === '' || open.includes('block') ? '' : b}L end R`),
      weight: 3,
    },
  ),
})).top;

type Edit = { readonly at: number; readonly op: 'insert' | 'replace' | 'delete'; readonly char: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('insert', 'replace', 'delete'),
  char: fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    '"',
    '`',
    "'",
    '$',
    '(',
    ')',
    '|',
    ':',
    '=',
    '-',
    ' ',
    '\n',
    '.',
    ',',
    '\\',
    '/',
    '*',
    'é',
    '😀',
    'x',
    '1',
    'e',
    '%',
  ),
});

function applyEdits(s: string, edits: readonly Edit[]): string {
  let out = s;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    if (e.op === 'insert') out = out.slice(0, at) + e.char + out.slice(at);
    else if (e.op === 'replace') out = out.slice(0, at) + e.char + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at + 1);
  }
  return out;
}

const case_ = fc
  .tuple(
    fc.oneof(
      { arbitrary: templates(false), weight: 3 },
      { arbitrary: templates(true), weight: 2 },
      { arbitrary: actionSoup, weight: 2 },
      { arbitrary: scopes, weight: 1 },
      { arbitrary: fc.array(fc.constantFrom(...DEFINITIONS), { maxLength: 5 }).map((xs) => xs.join('')), weight: 1 },
    ),
    fc.constantFrom(...DELIMS),
    fc.oneof(
      { arbitrary: fc.constant<Edit[]>([]), weight: 3 },
      { arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }), weight: 1 },
    ),
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
    fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 6 },
      { arbitrary: fc.integer({ min: 1, max: 80 }), weight: 1 },
    ),
  )
  .map(([text, delims, edits, cut, maxTokens]) => {
    const left = delims.left === '' ? '{{' : delims.left;
    const right = delims.right === '' ? '}}' : delims.right;
    let source = applyEdits(text.replaceAll('L', left).replaceAll('R', right), edits);
    if (cut !== undefined) source = source.slice(0, cut % (source.length + 1));
    return { source, delims, maxTokens };
  });

// --- the repository's own templates ---------------------------------------------------------------

const ROOT = join(import.meta.dirname, '../..');

function filesUnder(dir: string, ends: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !ends.some((e) => entry.name.endsWith(e))) continue;
    const path = relative(ROOT, join(entry.parentPath, entry.name));
    if (!path.includes('node_modules')) found.push(path);
  }
  return found;
}

/** Every text in the repository that may be a template: whole files, lines, and string literals. */
function repositoryTemplates(): { source: string; delims: Delims }[] {
  const out: { source: string; delims: Delims }[] = [];
  for (const c of GO_CASES)
    out.push({ source: c.template, delims: { left: c.leftDelimiter ?? '', right: c.rightDelimiter ?? '' } });
  for (let i = 0; i < 200; i++) {
    const annotations = (variedPod(i) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    for (const [key, value] of Object.entries(annotations))
      if (key.includes('agent-inject-template-')) out.push({ source: value, delims: DEFAULT });
  }
  const files = [
    'README.md',
    ...filesUnder('docs', ['.md']),
    ...filesUnder('test', ['.ts', '.yaml', '.json', '.ctmpl', '.tpl', '.md']),
    ...filesUnder('manifests', ['.yaml', '.tpl', '.md']),
    ...['agent', 'webhook', 'shared', 'cli', 'bench'].flatMap((d) => filesUnder(d, ['.ts'])),
  ];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (!text.includes('{{') && !text.includes('[[')) continue;
    const pieces = new Set<string>([text]);
    for (const line of text.split('\n')) if (line.includes('{{') || line.includes('[[')) pieces.add(line);
    // Fenced blocks of the docs, string literals of the code (unescaped where they are JSON-like).
    for (const m of text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) pieces.add(m[1] ?? '');
    for (const m of text.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
      const raw = m[1] ?? m[2] ?? m[3] ?? '';
      if (!raw.includes('{{') && !raw.includes('[[')) continue;
      pieces.add(raw);
      try {
        pieces.add(
          JSON.parse(`"${raw.replaceAll('"', '\\"').replaceAll("\\'", "'").replaceAll('\\`', '`')}"`) as string,
        );
      } catch {
        // Not a JSON-compatible literal: the raw text is there already.
      }
    }
    for (const source of pieces) {
      out.push({ source, delims: DEFAULT });
      out.push({ source, delims: { left: '[[', right: ']]' } });
    }
  }
  return out;
}

describe('scanTemplateSyntax against parseTemplate and calledFunctions', () => {
  it('gives the same verdict for generated templates: valid, nearly valid, truncated and edited', () => {
    let valid = 0;
    fc.assert(
      fc.property(case_, ({ source, delims, maxTokens }) => {
        const expected = parsed(source, delims, maxTokens);
        if (expected.kind === 'valid') valid++;
        expect(scanned(source, delims, maxTokens)).toEqual(expected);
      }),
      { numRuns: propertyRuns(6000) },
    );
    // The generator must not produce only broken templates.
    expect(valid).toBeGreaterThan(propertyRuns(6000) / 20);
  });

  it('gives the same verdict for every template in the repository, and never hands one over', () => {
    const templates = repositoryTemplates();
    expect(templates.length).toBeGreaterThan(1000);
    let valid = 0;
    for (const { source, delims } of templates) {
      const expected = parsed(source, delims);
      if (expected.kind === 'valid') valid++;
      // Spelled out, so a failure names the template.
      expect({ source, verdict: scanned(source, delims) }).toEqual({ source, verdict: expected });
      expect({ source, verdict: scanned(source, delims, 40) }).toEqual({ source, verdict: parsed(source, delims, 40) });
    }
    expect(valid).toBeGreaterThan(500);
  });
});
