// An OutputPort that keeps files in memory and records commands and reload calls.
import type { OutputPort } from '../../agent/render/renderer.ts';

export class MemoryOutput implements OutputPort {
  readonly files = new Map<string, { content: string; mode: number | undefined }>();
  readonly writes: string[] = [];
  readonly commands: string[] = [];
  readonly reloads: string[] = [];

  resolveDestination(destination: string): string {
    return destination;
  }

  write(path: string, content: string, options: { mode?: number }): Promise<boolean> {
    if (this.files.get(path)?.content === content) return Promise.resolve(false);
    this.files.set(path, { content, mode: options.mode });
    this.writes.push(path);
    return Promise.resolve(true);
  }

  runCommand(command: string | readonly string[]): Promise<unknown> {
    this.commands.push(typeof command === 'string' ? command : command.join(' '));
    return Promise.resolve({ ok: true });
  }

  notifyReload(url: string): Promise<unknown> {
    this.reloads.push(url);
    return Promise.resolve(true);
  }

  read(path: string): string | undefined {
    return this.files.get(path)?.content;
  }
}
