// A step-by-step progress display a person can follow: on a terminal each step shows a spinner
// and then ✓ or ✗ with its duration; without a terminal (CI, pipes) plain lines only.
export interface Progress {
  step<T>(title: string, work: () => Promise<T>): Promise<T>;
  detail(text: string): void;
  section(title: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(out: NodeJS.WriteStream): Progress {
  const tty = out.isTTY;
  const color = (code: number, s: string): string => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  let n = 0;
  return {
    async step<T>(title: string, work: () => Promise<T>): Promise<T> {
      n += 1;
      const label = `[${n}] ${title}`;
      const started = Date.now();
      let frame = 0;
      const timer = tty
        ? setInterval(() => {
            frame = (frame + 1) % FRAMES.length;
            out.write(`\r${color(36, FRAMES[frame] ?? '')} ${label} ${color(2, `${((Date.now() - started) / 1000).toFixed(1)}s`)}`);
          }, 80)
        : undefined;
      if (!tty) out.write(`${label} ...\n`);
      try {
        const result = await work();
        if (timer !== undefined) clearInterval(timer);
        const took = `${Date.now() - started} ms`;
        out.write(tty ? `\r\x1b[2K${color(32, '✓')} ${label} ${color(2, took)}\n` : `    ok (${took})\n`);
        return result;
      } catch (err) {
        if (timer !== undefined) clearInterval(timer);
        out.write(tty ? `\r\x1b[2K${color(31, '✗')} ${label}\n` : `    FAILED\n`);
        throw err;
      }
    },
    detail(text: string): void {
      for (const line of text.replace(/\n$/, '').split('\n')) out.write(`      ${color(2, '│')} ${line}\n`);
    },
    section(title: string): void {
      out.write(`\n${color(1, title)}\n`);
    },
  };
}
