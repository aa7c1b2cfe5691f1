// `npm run chart`: argument parsing, values the way Helm layers them, `helm template`'s output,
// and one run of the real command.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { parseArgs, renderCommand, run, userValues } from './main.ts';
import { renderChartObjects } from './render-chart.ts';
import { validateManifest } from '../../test/manifests/k8s-schemas.ts';

const VAULT_HELM = 'test/fixtures/vault-helm/values-0.34.1.yaml';
const read = (path: string): string => readFileSync(path, 'utf8');

function objects(output: string): Record<string, unknown>[] {
  return parseAllDocuments(output)
    .map((d) => d.toJS() as Record<string, unknown>)
    .filter((o) => o !== null);
}

describe('chart command', () => {
  it("parses helm template's options in any order", () => {
    expect(
      parseArgs([
        'prod',
        '-f',
        'a.yaml',
        '--values=b.yaml',
        '--set',
        'x=1',
        '--set-string=y=2',
        '-n',
        'vault',
        '--kube-version',
        'v1.29.0',
        '--notes',
      ]),
    ).toMatchObject({
      releaseName: 'prod',
      valueFiles: ['a.yaml', 'b.yaml'],
      sets: [
        { expression: 'x=1', asString: false },
        { expression: 'y=2', asString: true },
      ],
      namespace: 'vault',
      kubeVersion: 'v1.29.0',
      notes: true,
    });
    expect(() => parseArgs(['--bogus'])).toThrow('unknown argument "--bogus"');
    expect(() => parseArgs(['-f'])).toThrow('-f needs a value');
  });

  it('merges values files in order and applies --set last, as Helm does', () => {
    const files: Record<string, string> = {
      'a.yaml': 'injector:\n  replicas: 3\n  logLevel: debug\n',
      'b.yaml': 'injector:\n  replicas: 4\n',
    };
    const values = userValues(
      parseArgs(['-f', 'a.yaml', '-f', 'b.yaml', '--set', 'injector.logLevel=warn']),
      (p) => files[p]!,
    );
    expect(values).toEqual({ injector: { replicas: 4, logLevel: 'warn' } });
    expect(() => userValues(parseArgs(['-f', 'list.yaml']), () => '- a\n')).toThrow(
      'list.yaml: a values file holds a map at the top',
    );
  });

  it("prints every document once with its Source, in Helm's install order, the same objects as the renderer", () => {
    const output = renderCommand(parseArgs(['-f', VAULT_HELM, '--set', 'injector.replicas=2']), read);
    const rendered = objects(output);
    const direct = renderChartObjects('manifests/chart', {
      values: {
        ...(objects(read(VAULT_HELM))[0] as object),
        injector: { ...(objects(read(VAULT_HELM))[0]!['injector'] as object), replicas: 2 },
      },
    });
    expect(rendered).toEqual(expect.arrayContaining(direct));
    expect(rendered).toHaveLength(direct.length);
    for (const o of rendered) validateManifest(o);
    const kinds = rendered.map((o) => o['kind']);
    expect(kinds.indexOf('NetworkPolicy')).toBeLessThan(kinds.indexOf('ServiceAccount'));
    expect(kinds.indexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('ClusterRole'));
    expect(kinds.indexOf('Service')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('Deployment')).toBeLessThan(kinds.indexOf('MutatingWebhookConfiguration'));
    expect(output.match(/^# Source: vaultlet\/templates\/[\w-]+\.yaml$/gm)).toHaveLength(rendered.length);
    expect(output.startsWith('---\n# Source: vaultlet/templates/')).toBe(true);
  });

  it('exits 2 on a usage error and 1 on a render error, with the reason on stderr', () => {
    const err: string[] = [];
    expect(
      run(
        ['--nope'],
        () => undefined,
        (t) => err.push(t),
      ),
    ).toBe(2);
    expect(
      run(
        ['--set', 'injector.webhook.failurePolicy=Never'],
        () => undefined,
        (t) => err.push(t),
      ),
    ).toBe(1);
    expect(err.join('')).toContain('Error: unknown argument "--nope"');
    expect(err.join('')).toContain('injector.webhook.failurePolicy must be Ignore or Fail, not Never');
  });

  it('runs as `npm run -s chart` and prints the notes on request', () => {
    const output = execFileSync(
      'npm',
      ['run', '-s', 'chart', '--', 'vault', '-n', 'vault', '-f', VAULT_HELM, '--notes'],
      { encoding: 'utf8' },
    );
    expect(objects(output.split('\nNOTES:\n')[0]!).map((o) => o['kind'])).toContain('MutatingWebhookConfiguration');
    expect(output).toContain("\nNOTES:\nvaultlet's injector is installed in namespace vault.");
    const failed = spawnSync(
      'npm',
      ['run', '-s', 'chart', '--', '--kube-version', 'v1.29.0', '--set', 'injector.validatingPolicy.enabled=true'],
      { encoding: 'utf8' },
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('injector.validatingPolicy needs Kubernetes 1.30 or newer');
  });
});
