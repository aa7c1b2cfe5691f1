// Every regular expression in webhook/ and shared/ may meet a value from a pod (an annotation, a
// template, an image name), and every one in agent/ a value from Vault or the pod's own templates,
// so none may take super-linear time. This test finds them in the source
// (regex literals and `new RegExp("...")`), and runs each against adversarial inputs: runs of one
// or two characters (taken from the regex itself and from a fixed set of separators) ending in a
// character that makes the match fail, which is what drives backtracking. A regex passes when
// every 100 KB input finishes within the review budget. The runs happen in a worker thread, so an
// exponential regex is cut off by a watchdog instead of hanging the test.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Where pod input arrives (webhook/, shared/), and what reads Vault's answers and templates (agent/). */
const SCANNED = ['webhook', 'shared', 'agent'];
/** One review's CPU budget; a linear regex needs well under a millisecond for 100 KB. */
const BUDGET_MS = 50;
const LENGTH = 100 * 1024;
/** One input running this long is far over budget: the worker is stopped (exponential backtracking). */
const WATCHDOG_MS = 1000;

interface Found {
  readonly where: string;
  readonly source: string;
  readonly flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

function regexesIn(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Found[] = [];
  const where = (n: ts.Node): string =>
    `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(n)) {
      const slash = n.text.lastIndexOf('/');
      out.push({ where: where(n), source: n.text.slice(1, slash), flags: n.text.slice(slash + 1) });
    } else if (
      ts.isNewExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'RegExp' &&
      n.arguments?.[0] !== undefined &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      const flags = n.arguments[1];
      out.push({
        where: where(n),
        source: n.arguments[0].text,
        flags: flags !== undefined && ts.isStringLiteral(flags) ? flags.text : '',
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

// Runs in the worker, from regex number `from`: each input at 10 KB first (microseconds for a linear
// regex), and the ones that are not fast again at full length, best of two. A regex over budget on
// one input is reported and left.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { regexes, from, length, screenMs, budgetMs } = workerData;
const BASE = [' ', '\\t', '\\n', '/', ':', '.', '-', '_', '@', ',', '=', '{', '}', '(', ')', '"', "'", '\\\\', '|', 'a', 'Z', 'e', 'x', '0', '9', '$', '#', '~', '+', '*', '!', '%', '<', '>', '[', ']', '^', '&', '\\u00b5'];
const END = ['\\u0001', '!', 'a', ' ', '/', ':', '\\n', ''];
function inputs(source) {
  const own = [...new Set(source.replace(/\\\\[dDsSwWbBnrt]/g, '').split(''))].filter((c) => c.charCodeAt(0) >= 0x20);
  const chars = [...new Set([...BASE, ...own])];
  const units = [...chars];
  for (const a of own.slice(0, 16)) for (const b of chars) units.push(a + b);
  const out = [];
  for (const u of units) for (const end of END) out.push((n) => u.repeat(Math.ceil(n / u.length)).slice(0, n) + end);
  return out;
}
// This thread's CPU time where Node has it (other work on the machine does not count), else wall time.
const now = typeof process.threadCpuUsage === 'function'
  ? () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();
function time(re, input) {
  const t0 = now();
  re.lastIndex = 0;
  re.exec(input);
  return now() - t0;
}
for (let i = from; i < regexes.length; i++) {
  const r = regexes[i];
  const re = new RegExp(r.source, r.flags);
  let worst = { ms: 0, sample: '' };
  for (const make of inputs(r.source)) {
    parentPort.postMessage({ type: 'tick', i });
    if (time(re, make(10240)) < screenMs) continue;
    const full = make(length);
    const ms = Math.min(time(re, full), time(re, full));
    if (ms > worst.ms) worst = { ms, sample: JSON.stringify(full.slice(0, 6)) + '... x' + full.length };
    if (ms > budgetMs) break;
  }
  parentPort.postMessage({ type: 'done', i, ms: worst.ms, sample: worst.sample });
}
parentPort.postMessage({ type: 'end' });
`;

interface Timing {
  readonly found: Found;
  readonly ms: number;
  readonly sample: string;
}

/** Times every regex; one that stalls the worker is reported and the rest go on in a new worker. */
async function timeRegexes(regexes: readonly Found[]): Promise<Timing[]> {
  const results: Timing[] = [];
  let from = 0;
  while (from < regexes.length) {
    from = await new Promise<number>((resolve, reject) => {
      const worker = new Worker(WORKER, {
        eval: true,
        workerData: {
          regexes: regexes.map((r) => ({ source: r.source, flags: r.flags })),
          from,
          length: LENGTH,
          screenMs: 2,
          budgetMs: BUDGET_MS,
        },
      });
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          results.push({ found: regexes[current]!, ms: Infinity, sample: 'an input that did not finish' });
          void worker.terminate();
          resolve(current + 1);
        }, WATCHDOG_MS);
      };
      arm();
      worker.on('message', (m: { type: string; i: number; ms: number; sample: string }) => {
        arm();
        current = m.i;
        if (m.type === 'done') results.push({ found: regexes[m.i]!, ms: m.ms, sample: m.sample });
        if (m.type === 'end') {
          clearTimeout(timer);
          void worker.terminate();
          resolve(regexes.length);
        }
      });
      worker.on('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
  return results;
}

const slow = (timings: readonly Timing[]): string[] =>
  timings.filter((t) => t.ms > BUDGET_MS).map((t) => `${t.found.where} /${t.found.source}/ ${t.ms} ms on ${t.sample}`);

describe('regular expressions on pod input', () => {
  const found = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap(regexesIn);

  it('finds the regexes in the source', () => {
    expect(found.length).toBeGreaterThan(10);
    expect(found.some((f) => f.where.startsWith('shared/parse/go-duration.ts'))).toBe(true);
    expect(found.some((f) => f.where.startsWith('agent/'))).toBe(true);
  });

  it('flags the super-linear patterns that once blocked reviews (the check can fail)', async () => {
    const known: Found[] = [
      { where: 'trailing-slash trim', source: '\\/+$', flags: '' },
      { where: 'image tag', source: ':[^/]*$', flags: '' },
      { where: 'trailing-space trim', source: '[ \\t\\r\\n]+$', flags: '' },
      { where: 'nested quantifier', source: '^(a+)+$', flags: '' },
    ];
    const timings = await timeRegexes(known);
    expect(slow(timings).length).toBe(known.length);
  });

  // One test per tree, each with its own time: together they take longer than one test may.
  for (const dir of SCANNED) {
    it(`runs each in ${dir}/ in under ${BUDGET_MS} ms on any adversarial 100 KB input`, async () => {
      expect(slow(await timeRegexes(found.filter((f) => f.where.startsWith(`${dir}/`))))).toEqual([]);
    }, 120_000);
  }
});
