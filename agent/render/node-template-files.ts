// The agent's TemplateFiles and network addresses from node:fs / node:os: the adapter behind
// template-files.ts and `sockaddr`.
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import { networkInterfaces, userInfo } from 'node:os';
import type { InterfaceAddress } from './engine.ts';
import type { TemplateFiles } from './template-files.ts';

function readRegular(path: string, maxBytes: number, within?: string): string {
  // O_NONBLOCK: opening a FIFO must not hang the render; O_NOFOLLOW: the checked path is the one read.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (within !== undefined) {
      // O_NOFOLLOW guards only the last component: where the descriptor really points (the kernel's
      // own path of the open file) is what must lie in the sandbox. No /proc: no read.
      const opened = readlinkSync(`/proc/self/fd/${fd}`);
      if (within !== '/' && opened !== within && !opened.startsWith(`${within}/`))
        throw new Error('outside of sandbox_path');
    }
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > maxBytes) throw new Error('file too large');
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > maxBytes) throw new Error('file too large');
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export const nodeTemplateFiles: TemplateFiles = {
  realpath: (path) => realpathSync(path),
  readRegular,
  ownUser: () => {
    const u = userInfo();
    return { uid: u.uid, gid: u.gid, name: u.username };
  },
};

export function nodeInterfaces(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) out.push({ name, address: a.address, family: a.family, internal: a.internal });
  }
  return out;
}
