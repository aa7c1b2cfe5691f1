// What a template may read (`file`) and write (`writeToFile`), decided on paths; the filesystem
// behind the small TemplateFiles interface (node-template-files.ts in the agent). consul-template's
// sandbox_path rule: the path, with every symlink resolved, must lie inside the sandbox. vaultlet
// also bounds what `file` reads (a regular file of at most MAX_TEMPLATE_FILE_BYTES), so a template
// cannot make the agent read a device or a huge file.
import { posix } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

/** Largest file `file` reads and `writeToFile` appends to. */
export const MAX_TEMPLATE_FILE_BYTES = 4 * 1024 * 1024;

export interface TemplateFiles {
  /** The absolute path with every symlink resolved; throws when it does not exist. */
  realpath(path: string): string;
  /**
   * A regular file's text (at most maxBytes, a final symlink not followed); throws otherwise.
   * With `within`, also throws unless the file actually opened lies under that directory (checked
   * on the open descriptor, so a directory swapped for a symlink after the path check cannot
   * redirect the read).
   */
  readRegular(path: string, maxBytes: number, within?: string): string;
  /** The agent's own user: whom `writeToFile` may name as owner. */
  ownUser(): { readonly uid: number; readonly gid: number; readonly name: string };
}

/** A template's file access refused: the message names the path as the template wrote it, never content. */
export class TemplateFileError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('AGT_TEMPLATE_FILE', message, options);
  }
}

function inside(path: string, root: string): boolean {
  const r = root === '/' ? '/' : trimTrailing(root, '/');
  return r === '/' || path === r || path.startsWith(`${r}/`);
}

function realOr(files: TemplateFiles, path: string): string | undefined {
  try {
    return files.realpath(path);
  } catch {
    return undefined;
  }
}

/** `file PATH`: the content, or TemplateFileError when outside the sandbox or unreadable. "" reads nothing. */
export function readTemplateFile(path: string, sandboxPath: string | undefined, files: TemplateFiles): string {
  if (path === '') return '';
  const real = realOr(files, path);
  if (real === undefined) throw new TemplateFileError(`file: ${JSON.stringify(path)} does not exist`);
  let root: string | undefined;
  if (sandboxPath !== undefined) {
    root = realOr(files, sandboxPath) ?? posix.normalize(sandboxPath);
    if (!inside(real, root)) throw new TemplateFileError(`file: ${JSON.stringify(path)} is outside of sandbox_path`);
  }
  try {
    return files.readRegular(real, MAX_TEMPLATE_FILE_BYTES, root);
  } catch (err) {
    throw new TemplateFileError(
      `file: cannot read ${JSON.stringify(path)} (a regular file of at most ${MAX_TEMPLATE_FILE_BYTES} bytes)`,
      { cause: err },
    );
  }
}

/**
 * Throws unless `path` (absolute) lies inside the sandbox, judged on its nearest existing
 * ancestor with symlinks resolved, so a symlinked directory cannot lead the write out.
 */
export function checkWriteInSandbox(path: string, sandboxPath: string, files: TemplateFiles): void {
  const clean = posix.normalize(path);
  const root = realOr(files, sandboxPath) ?? posix.normalize(sandboxPath);
  const lexicalRoot = posix.normalize(sandboxPath);
  let existing = clean;
  let real = realOr(files, existing);
  while (real === undefined && existing !== '/') {
    existing = posix.dirname(existing);
    real = realOr(files, existing);
  }
  const rest = posix.relative(existing, clean);
  const resolved = real === undefined ? clean : posix.join(real, rest);
  if (!path.startsWith('/') || !inside(clean, lexicalRoot) || !inside(resolved, root)) {
    throw new TemplateFileError(`writeToFile: ${JSON.stringify(path)} is outside of sandbox_path`);
  }
}

/** writeToFile's owner and group: "" (the agent's own), or the agent's own uid/gid or user name. */
export function checkOwner(user: string, group: string, files: TemplateFiles): void {
  const own = files.ownUser();
  const okUser = user === '' || user === String(own.uid) || user === own.name;
  const okGroup = group === '' || group === String(own.gid) || group === own.name;
  if (!okUser || !okGroup) {
    throw new TemplateFileError(
      'writeToFile: vaultlet\'s agent writes files as its own user; give "" (or its own user) as owner and group',
    );
  }
}
