import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import secureJson from 'secure-json-parse';
import { escapeAll, jsonText, mutated, rawBytes } from '../../test/helpers/json-texts.ts';
import { propertyRuns } from '../../test/helpers/property-runs.ts';
import { nestsDeeperThan } from './json-depth.ts';
import { scanReview, utf16Units, type ReviewFields, type Span } from './review-scan.ts';

const MAX = 128;
const scan = (text: string | Buffer) => scanReview(typeof text === 'string' ? Buffer.from(text) : text, MAX);

/** What the body parser makes of the bytes: JSON.parse after a leading byte order mark. */
function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
}

function poisoned(bytes: Buffer): boolean {
  try {
    secureJson.parse(bytes.toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' });
    return false;
  } catch {
    return true;
  }
}

/**
 * Whether valid JSON text holds a `__proto__` key, or an object whose last `constructor` is an
 * object with a `prototype` key, anywhere, also in values a repeated key discards (where the
 * parsed object no longer has them): the scan's rule, stricter than the poisoning checks only there.
 */
function poisonAnywhere(text: string): boolean {
  let i = 0;
  const space = (): void => {
    while (/\s/.test(text[i] ?? '')) i += 1;
  };
  const string = (): string => {
    const start = i;
    for (i += 1; text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
    i += 1;
    return JSON.parse(text.slice(start, i)) as string;
  };
  let poison = false;
  /** Parses a value at i; whether it is an object with a `prototype` key. */
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === '{') {
      i += 1;
      let hasPrototype = false;
      let lastConstructorPoisons = false;
      space();
      while (text[i] !== '}') {
        space();
        const key = string();
        space();
        i += 1; // :
        const inner = value();
        if (key === '__proto__') poison = true;
        if (key === 'prototype') hasPrototype = true;
        if (key === 'constructor') lastConstructorPoisons = inner;
        space();
        if (text[i] === ',') i += 1;
        space();
      }
      i += 1;
      if (lastConstructorPoisons) poison = true;
      return hasPrototype;
    }
    if (c === '[') {
      i += 1;
      space();
      while (text[i] !== ']') {
        value();
        space();
        if (text[i] === ',') i += 1;
        space();
      }
      i += 1;
      return false;
    }
    if (c === '"') string();
    else while (i < text.length && !/[\s,\]}]/.test(text[i] ?? '')) i += 1;
    return false;
  };
  value();
  return poison;
}

/** The outcome the scan must give, from JSON.parse, the depth scan and the poisoning rule. */
function expected(bytes: Buffer): string {
  if (!parses(bytes)) return 'invalid';
  if (nestsDeeperThan(bytes, MAX)) return 'deep';
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const strict = poisonAnywhere(text);
  // The rule never lets through what the poisoning checks refuse.
  if (poisoned(bytes)) expect(strict).toBe(true);
  return strict ? 'forbidden' : 'json';
}

describe('scanReview: the same verdict as JSON.parse and the poisoning checks', () => {
  it('on hand-picked texts', () => {
    for (const text of [
      '{}',
      '[]',
      ' 1 ',
      '"x"',
      '-0.5e+3',
      'true',
      '{"a":[1,{"b":null}]}',
      '\uFEFF{}',
      '\uFEFF',
      '',
      '01',
      '1.',
      '.5',
      '-',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '"\t"',
      '"\\u12"',
      '"\\q"',
      '{} {}',
      '[}',
      '{"__proto__":1}',
      '{"a":{"__proto__":{}}}',
      '{"constructor":{"prototype":1}}',
      '{"constructor":{"prototype":1},"constructor":2}',
      '{"constructor":2,"constructor":{"prototype":1}}',
      '{"c\\u006fnstructor":{"prot\\u006ftype":0}}',
      '{"constructor":[{"prototype":1}]}',
      '{"constructor":{"a":{"prototype":1}}}',
      '{"prototype":{"constructor":1}}',
    ]) {
      expect([text, scan(text).kind]).toEqual([text, expected(Buffer.from(text))]);
    }
  });

  it('on random JSON texts, mutated ones and random bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          jsonText.map((t) => Buffer.from(t)),
          mutated.map((t) => Buffer.from(t)),
          rawBytes,
        ),
        (bytes) => {
          expect(scan(bytes).kind).toBe(expected(bytes));
        },
      ),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('measures nesting as the depth check does, and stops at once past the limit', () => {
    const deep = (d: number): string => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
    expect(scan(deep(MAX)).kind).toBe('json');
    expect(scan(deep(MAX + 1)).kind).toBe('deep');
    expect(scan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`).kind).toBe('deep');
    // Deep, and broken only after the depth is passed: deep, as the depth check (run first) says.
    expect(scan(`${'['.repeat(200)}x`).kind).toBe('deep');
  });
});

describe('utf16Units', () => {
  it('is the length Buffer#toString gives, for any bytes without escapes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (raw) => {
        const bytes = Buffer.from(raw.filter((b) => b !== 0x5c));
        expect(utf16Units(bytes, 0, bytes.length)).toBe(bytes.toString('utf8').length);
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('counts an escape as one unit', () => {
    const bytes = Buffer.from('a\\n\\u00e9é😀');
    expect(utf16Units(bytes, 0, bytes.length)).toBe((JSON.parse(`"${bytes.toString()}"`) as string).length);
  });
});

/** A review text whose fields, keys and annotations are random, repeated or escaped. */
const reviewText = fc
  .record({
    uid: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    operation: fc.constantFrom('CREATE', 'UPDATE', 'CR\\u0045ATE', 1),
    name: fc.string({ maxLength: 5 }),
    annotations: fc.oneof(
      fc.array(
        fc.tuple(
          fc.string({ unit: 'binary', maxLength: 6 }),
          fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 1 })),
        ),
        {
          maxLength: 6,
        },
      ),
      fc.constant(null),
    ),
    repeat: fc.constantFrom('none', 'request', 'metadata', 'annotations', 'uid'),
    escapeKeys: fc.boolean(),
    inject: fc.boolean(),
  })
  .map(({ uid, operation, name, annotations, repeat, escapeKeys, inject }) => {
    const k = (s: string): string => (escapeKeys ? escapeAll(s) : JSON.stringify(s));
    const op = typeof operation === 'string' && operation.includes('\\') ? `"${operation}"` : JSON.stringify(operation);
    const ann =
      annotations === null
        ? 'null'
        : `{${[
            ...(inject ? [`${k('vault.hashicorp.com/agent-inject')}:"true"`] : []),
            ...annotations.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`),
          ].join(',')}}`;
    const metadata = `{${k('name')}:${JSON.stringify(name)},${k('annotations')}:${ann}${repeat === 'annotations' ? `,${k('annotations')}:{"x":"y"}` : ''}}`;
    const object = `{${k('metadata')}:${metadata}${repeat === 'metadata' ? `,${k('metadata')}:{}` : ''}}`;
    const request = `{${k('uid')}:${JSON.stringify(uid)},${k('operation')}:${op},${k('object')}:${object}${repeat === 'uid' ? `,${k('uid')}:"last"` : ''}}`;
    const text = `{${k('apiVersion')}:"admission.k8s.io/v1",${k('request')}:${request}${repeat === 'request' ? `,${k('request')}:{"uid":"other"}` : ''}}`;
    // Entries with one key: the scan counts them all, JSON.parse keeps the last.
    const keys = annotations === null ? [] : annotations.map(([key]) => key);
    const repeats =
      new Set(keys).size !== keys.length && repeat !== 'annotations' && repeat !== 'metadata' && repeat !== 'request';
    return { text, repeats };
  });

const at = (bytes: Buffer, span: Span | undefined): unknown =>
  span === undefined ? undefined : (JSON.parse(bytes.toString('utf8', span.start, span.end)) as unknown);

/** The fields as JSON.parse gives them; annotations counted over the parsed object. */
function parsedFields(bytes: Buffer): Record<string, unknown> {
  const body = JSON.parse(bytes.toString()) as { apiVersion?: unknown; request?: Record<string, unknown> };
  const request = body.request;
  const object = request?.['object'] as { metadata?: Record<string, unknown> } | undefined;
  const metadata = object?.metadata;
  const annotations = metadata?.['annotations'];
  let chars = -1;
  if (typeof annotations === 'object' && annotations !== null && !Array.isArray(annotations)) {
    chars = 0;
    for (const [key, value] of Object.entries(annotations))
      chars += key.length + (typeof value === 'string' ? value.length : Buffer.byteLength(JSON.stringify(value)));
  }
  return {
    apiVersion: body.apiVersion,
    uid: request?.['uid'],
    operation: request?.['operation'],
    name: metadata?.['name'],
    annotationsChars: chars,
    asksInjection: chars >= 0 && Object.hasOwn(annotations as object, 'vault.hashicorp.com/agent-inject'),
    injectValue: chars >= 0 ? (annotations as Record<string, unknown>)['vault.hashicorp.com/agent-inject'] : undefined,
  };
}

function scannedFields(bytes: Buffer, fields: ReviewFields): Record<string, unknown> {
  return {
    apiVersion: at(bytes, fields.apiVersion),
    uid: at(bytes, fields.uid),
    operation: at(bytes, fields.operation),
    name: at(bytes, fields.name),
    annotationsChars: fields.annotationsChars,
    asksInjection: fields.asksInjection,
    injectValue: at(bytes, fields.injectValue),
  };
}

describe('scanReview: the fields', () => {
  it('are the ones JSON.parse gives, the last of repeated keys winning', () => {
    fc.assert(
      fc.property(reviewText, ({ text, repeats }) => {
        const bytes = Buffer.from(text);
        const result = scan(bytes);
        if (poisonAnywhere(text)) {
          expect(result.kind).toBe('forbidden');
          return;
        }
        if (result.kind !== 'json') throw new Error(`not scanned as JSON: ${result.kind}`);
        const parsed = parsedFields(bytes);
        const scanned = scannedFields(bytes, result.fields);
        if (repeats) {
          expect(scanned['annotationsChars']).toBeGreaterThanOrEqual(parsed['annotationsChars'] as number);
          scanned['annotationsChars'] = parsed['annotationsChars'];
        }
        expect(scanned).toEqual(parsed);
      }),
      { numRuns: propertyRuns(1500) },
    );
  });

  it('counts each annotation entry as sent, and a value that is not a string by its JSON bytes', () => {
    const text = '{"request":{"object":{"metadata":{"annotations":{"a":"xy","a":"z","b":[1, 2],"\\u00e9":"\\n"}}}}}';
    const result = scan(text);
    expect(result.kind === 'json' && result.fields.annotationsChars).toBe(1 + 2 + 1 + 1 + 1 + 6 + 1 + 1);
  });
});
