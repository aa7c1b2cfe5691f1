// consul-template's `writeToFile PATH USER GROUP PERMS [FLAGS] CONTENT`: the content (usually
// piped in) is written to PATH with octal PERMS; FLAGS may hold "append" and/or "newline". The
// engine only records the call (ConsulHost.writeToFile); the renderer writes it after a complete
// render through the agent's output port, confined like the template's own destination.
import type { FileWrite } from '../engine.ts';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { consulHost } from './consul-misc.ts';

/** strconv.ParseUint(perms, 8, 32) as consul-template calls it, limited to permission bits. */
function parseMode(perms: string): number {
  if (!/^[0-7]+$/.test(perms) || perms.length > 11) {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(perms.slice(0, 16))}: invalid syntax`);
  }
  const mode = Number.parseInt(perms, 8);
  if (mode > 0o7777) throw new Error('writeToFile: permissions must be at most 07777');
  return mode;
}

export const writeToFile: GoFunction = (a, ctx) => {
  arity(a, 5, 6);
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
