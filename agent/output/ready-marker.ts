// The readiness marker: written once every template has rendered completely, so the native
// sidecar's startupProbe (`vaultlet ready -file=...`) lets the app containers start.
import { writeFileAtomic } from './atomic-write.ts';

/** Writes the marker atomically (a small timestamp, never secret data). Idempotent. */
export async function markReady(path: string, now: Date = new Date()): Promise<void> {
  await writeFileAtomic(path, `${now.toISOString()}\n`, { mode: 0o644, createDirs: true });
}
