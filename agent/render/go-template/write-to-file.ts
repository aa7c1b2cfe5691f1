// consul-template's `writeToFile PATH USER GROUP PERMS [FLAGS] CONTENT`: the content (usually
// piped in) is written to PATH with octal PERMS; FLAGS may hold "append" and/or "newline". The
// engine only records the call (ConsulHost.writeToFile); the renderer writes it after a complete
// render through the agent's output port, confined like the template's own destination.
import type { FileWrite } from '../engine.ts';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { consulHost } from './consul-misc.ts';

/**
 * strconv.ParseUint(perms, 8, 32) as consul-template calls it; only the permission bits (0777)
 * are applied, as Go's os.Chmod applies a plain number: no setuid, setgid or sticky bit.
 */
function parseMode(perms: string): number {
  if (!/^[0-7]+$/.test(perms)) {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(perms.slice(0, 16))}: invalid syntax`);
  }
  if (perms.replace(/^0+/, '').length > 11 || Number.parseInt(perms, 8) > 0xffffffff) {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(perms.slice(0, 16))}: value out of range`);
  }
  return Number.parseInt(perms, 8) & 0o777;
}

export const writeToFile: GoFunction = (a, ctx) => {
  // As consul-template: FLAGS only when exactly one precedes CONTENT; the last argument is CONTENT.
  arity(a, 5, Infinity);
  const [path, user, group, perms] = a.slice(0, 4).map(str) as [string, string, string, string];
  const flags = a.length === 6 ? str(a[4]) : '';
  const content = str(a[a.length - 1]);
  if (path === '') throw new Error('writeToFile: path is empty');
  const write: FileWrite = {
    path,
    user,
    group,
    mode: parseMode(perms),
    content,
    append: flags.includes('append'),
    newline: flags.includes('newline'),
  };
  consulHost(ctx, 'writeToFile').writeToFile(write);
  return '';
};
