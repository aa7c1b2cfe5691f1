// Golden files: vault-k8s manifests as the documentation shows them, previewed with the real
// webhook decision and its default configuration. The expected output was reviewed by hand
// (test/fixtures/preview/README.md); UPDATE_GOLDEN=1 rewrites it after an intended change.
import { describe, expect, it } from '@jest/globals';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadWebhookConfig } from '../config.ts';
import { admitPod } from '../inject/admit.ts';
import { previewManifests, type PreviewResult } from './preview.ts';

const DIR = fileURLToPath(new URL('../../test/fixtures/preview/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const config = loadWebhookConfig({ AGENT_INJECT_VAULT_ADDR: 'https://vault.example.com:8200' }, []);
const inputs = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.out.yaml'))
  .sort();

function preview(text: string, patchOnly: boolean): PreviewResult {
  return previewManifests(text, { admit: (input) => admitPod(input, config), patchOnly });
}

function golden(name: string, actual: string): void {
  const path = join(DIR, name);
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('preview golden files', () => {
  it('covers every fixture', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(9);
  });

  it.each(inputs)('%s', (file) => {
    const base = file.replace(/\.yaml$/, '');
    const text = readFileSync(join(DIR, file), 'utf8');
    const full = preview(text, false);
    const patched = preview(text, true);
    golden(`${base}.out.yaml`, full.output);
    golden(`${base}.patch.json`, patched.output);
    golden(`${base}.messages.txt`, full.messages.map((m) => `${m.object}: ${m.level}: ${m.text}\n`).join(''));
    // Each patch applies to its object as written and gives what the full preview printed.
    const objects = parseAllDocuments(text)
      .map((d) => d.toJS() as object)
      .filter((o) => o !== null);
    const printed = parseAllDocuments(full.output).map((d) => d.toJS() as object);
    const patches = patched.output
      .split(/^# .*$/m)
      .slice(1)
      .map((p) => JSON.parse(p) as Operation[]);
    const injected = objects.filter(
      (_o, i) => full.denied === 0 && JSON.stringify(printed[i]) !== JSON.stringify(objects[i]),
    );
    expect(patches).toHaveLength(injected.length);
    injected.forEach((obj, i) => {
      const applied = fastJsonPatch.applyPatch(structuredClone(obj), patches[i] ?? [], true, false).newDocument;
      expect(applied).toEqual(printed[objects.indexOf(obj)]);
    });
  });
});
