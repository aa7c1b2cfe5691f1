// Start-up sweep of temp files a crashed agent left beside its outputs. The atomic writer names
// them `.<name>.tmp.<pid>.<base36>` (tempName in atomic-write.ts); only that exact shape, for the
// names this agent writes, is removed, so nothing else in a shared volume is touched. Directories
// are reached the way writes reach them (dir-walk.ts), so a symlink cannot point the sweep at
// another directory. The init container and the sidecar of a pod never run at the same time, so
// no temp file found at start belongs to a write in progress.
import { closeSync, opendirSync, unlinkSync } from 'node:fs';
import { posix } from 'node:path';
import type { Logger } from '../../shared/logger.ts';
import { at, errnoCode, openDirBeneath } from './dir-walk.ts';
import { walkFor } from './sandbox.ts';

const TEMP_SUFFIX = /^\d{1,10}\.[0-9a-z]{1,20}$/;

/** True when `entry` is a temp file the atomic writer made for `name`. */
export function isTempFor(entry: string, name: string): boolean {
  const prefix = `.${name}.tmp.`;
  return entry.startsWith(prefix) && TEMP_SUFFIX.test(entry.slice(prefix.length));
}

/** Removes stale temp files beside each of `paths`; returns how many were removed. Never throws. */
export function sweepStaleTemps(paths: readonly string[], roots: readonly string[], log: Logger): number {
  const byDir = new Map<string, { walk: ReturnType<typeof walkFor>; names: Set<string> }>();
  for (const path of paths) {
    let walk: ReturnType<typeof walkFor>;
    try {
      walk = walkFor(path, roots);
    } catch {
      continue; // the write will report the bad path
    }
    const key = posix.dirname(posix.normalize(path));
    const entry = byDir.get(key) ?? { walk, names: new Set<string>() };
    entry.names.add(walk.name);
    byDir.set(key, entry);
  }
  let removed = 0;
  for (const [dir, { walk, names }] of byDir) {
    let fd: number;
    try {
      fd = openDirBeneath(walk.root, walk.dirs, dir, { create: false });
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT')
        log.warn(
          { event: 'temp-sweep-skipped', dir, errorCode: errnoCode(err) },
          'could not look for stale temp files',
        );
      continue;
    }
    let failed = 0;
    let firstError = '';
    try {
      // Streamed, not listed at once: a shared volume may hold any number of entries.
      const entries = opendirSync(`/proc/self/fd/${fd}`);
      try {
        for (let e = entries.readSync(); e !== null; e = entries.readSync()) {
          const entry = e.name;
          if (![...names].some((name) => isTempFor(entry, name))) continue;
          try {
            unlinkSync(at(fd, entry));
            removed += 1;
          } catch (err) {
            failed += 1;
            firstError ||= errnoCode(err);
          }
        }
      } finally {
        entries.closeSync();
      }
      if (failed > 0)
        log.warn(
          { event: 'temp-sweep-failed', dir, failed, errorCode: firstError },
          'could not remove stale temp files',
        );
    } catch (err) {
      log.warn({ event: 'temp-sweep-skipped', dir, errorCode: errnoCode(err) }, 'could not look for stale temp files');
    } finally {
      closeSync(fd);
    }
  }
  if (removed > 0) log.info({ event: 'temp-sweep', removed }, 'removed stale temp files');
  return removed;
}
