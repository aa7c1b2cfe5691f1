import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import { tempName } from './atomic-write.ts';
import { isTempFor, sweepStaleTemps } from './temp-sweep.ts';

describe('isTempFor', () => {
  it.each<[string, boolean]>([
    [tempName('db-creds', 1, 123456789n), true],
    ['.db-creds.tmp.7.5qarcgeli', true],
    ['.db-creds.tmp.7.', false],
    ['.db-creds.tmp.x.5qa', false],
    ['.db-creds.tmp.7.5qa.bak', false],
    ['.other.tmp.7.5qa', false],
    ['db-creds', false],
  ])('%j → %s', (entry, expected) => {
    expect(isTempFor(entry, 'db-creds')).toBe(expected);
  });
});

describe('sweepStaleTemps', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-sweep-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes only the temp files of the destinations it writes, in each of their directories', () => {
    const secrets = join(dir, 'secrets');
    mkdirSync(join(secrets, 'app'), { recursive: true });
    const keep = ['db', 'notes.txt', '.db.tmp.note', '.unrelated.tmp.1.abc'];
    for (const f of keep) writeFileSync(join(secrets, f), 'SENTINEL-keep');
    writeFileSync(join(secrets, tempName('db', 1, 99n)), 'SENTINEL-partial');
    writeFileSync(join(secrets, tempName('db', 4242, 123456n)), 'SENTINEL-partial');
    writeFileSync(join(secrets, 'app', tempName('cfg', 7, 5n)), 'SENTINEL-partial');
    const sink = createLogSink();
    const removed = sweepStaleTemps(
      [join(secrets, 'db'), join(secrets, 'app/cfg'), join(dir, 'missing/x')],
      [secrets],
      sink.log,
    );
    expect(removed).toBe(3);
    expect(readdirSync(secrets).sort()).toEqual([...keep, 'app'].sort());
    expect(readdirSync(join(secrets, 'app'))).toEqual([]);
    expect(sink.lines.join('\n')).not.toContain('SENTINEL');
  });

  it('reports what it could not remove in one line, however many entries failed', () => {
    const secrets = join(dir, 'secrets');
    mkdirSync(join(secrets, tempName('db', 1, 1n)), { recursive: true });
    mkdirSync(join(secrets, tempName('db', 1, 2n)));
    writeFileSync(join(secrets, tempName('db', 1, 3n)), '');
    const sink = createLogSink();
    expect(sweepStaleTemps([join(secrets, 'db')], [secrets], sink.log)).toBe(1);
    expect(sink.entries().map((e) => [e['event'], e['failed'], e['removed']])).toEqual([
      ['temp-sweep-failed', 2, undefined],
      ['temp-sweep', undefined, 1],
    ]);
  });

  it('does not follow a symlinked directory to sweep elsewhere', () => {
    const secrets = join(dir, 'secrets');
    const outside = join(dir, 'outside');
    mkdirSync(secrets);
    mkdirSync(outside);
    symlinkSync(outside, join(secrets, 'app'));
    writeFileSync(join(outside, tempName('cfg', 7, 5n)), 'x');
    const sink = createLogSink();
    expect(sweepStaleTemps([join(secrets, 'app/cfg')], [], sink.log)).toBe(0);
    expect(readdirSync(outside)).toEqual([tempName('cfg', 7, 5n)]);
    expect(sink.entries().map((e) => e['event'])).toEqual(['temp-sweep-skipped']);
  });
});
