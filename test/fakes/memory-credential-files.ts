// Credential files in a Map, for auth method tests: reads, removals and their order are recorded.
import type { CredentialFiles } from '../../agent/auth/credential-files.ts';

export class MemoryCredentialFiles implements CredentialFiles {
  readonly files = new Map<string, string>();
  readonly reads: string[] = [];
  readonly removed: string[] = [];
  /** Paths whose removal fails (as on a read-only mount). */
  readonly undeletable = new Set<string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [p, text] of Object.entries(initial)) this.files.set(p, text);
  }

  read(path: string): string | undefined {
    this.reads.push(path);
    return this.files.get(path);
  }

  remove(path: string): void {
    if (this.undeletable.has(path)) throw new Error(`EROFS: ${path}`);
    this.removed.push(path);
    this.files.delete(path);
  }
}
