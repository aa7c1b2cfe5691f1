// Values examples in the docs: fenced ```yaml blocks whose first line is `# values: <name>`.
// The tests render every one of them, so a documented example cannot rot.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface DocValues {
  readonly file: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

export function docValueExamples(files: readonly string[]): DocValues[] {
  const out: DocValues[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^```yaml\n# values: ([\w-]+)\n([\s\S]*?)^```$/gm)) {
      out.push({ file, name: m[1]!, values: parseYaml(m[2]!) as Record<string, unknown> });
    }
  }
  return out;
}

export function docValues(files: readonly string[], name: string): Record<string, unknown> {
  const found = docValueExamples(files).filter((d) => d.name === name);
  if (found.length !== 1)
    throw new Error(`expected one "# values: ${name}" example in ${files.join(', ')}, found ${found.length}`);
  return found[0]!.values;
}
