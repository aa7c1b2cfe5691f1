// The webhook's memory request and limit follow from its benchmarks: the request reserves what it
// holds under a sustained load of pods never seen before, the limit sits above its hostile peaks.
// A regathered benchmark that needs more, or a request lowered below the measurement, fails here.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const MIB = 1024 * 1024;
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 1024, Mi: MIB, Gi: 1024 * MIB };

/** A Kubernetes memory quantity in MiB (the binary suffixes the manifests use). */
function mebibytes(quantity: unknown): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(String(quantity));
  if (m === null) throw new Error(`not a binary memory quantity: ${String(quantity)}`);
  return (Number(m[1]) * (BINARY_SUFFIXES[m[2] as string] as number)) / MIB;
}

interface Resources {
  requests: { memory: string };
  limits: { memory: string };
}

function chartResources(): Resources {
  const values = parseYaml(readFileSync('manifests/chart/values.yaml', 'utf8')) as {
    injector: { resources: Resources };
  };
  return values.injector.resources;
}

function kustomizeResources(): Resources {
  const docs = parseAllDocuments(readFileSync('manifests/kustomize/base/deployment.yaml', 'utf8'));
  const deployment = docs.map((d) => d.toJS() as { kind?: string }).find((o) => o.kind === 'Deployment') as {
    spec: { template: { spec: { containers: { resources: Resources }[] } } };
  };
  return (deployment.spec.template.spec.containers[0] as { resources: Resources }).resources;
}

/** The MiB figures of a benchmark table's rows whose first cell starts with `label`. */
function tableMiB(file: string, label: string): number[] {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`| ${label}`));
  return rows.map((row) => {
    const value = /^\|[^|]*\|\s*(\d+) MiB/.exec(row);
    if (value === null) throw new Error(`${file}: no MiB figure in "${row}"`);
    return Number(value[1]);
  });
}

describe('webhook memory request and limit', () => {
  const sustained = tableMiB('docs/benchmarks/webhook.md', 'varied: webhook VmRSS, image flags');
  const target = /\| varied: webhook VmRSS, image flags[^|]*\|[^|]*\| ≤ (\d+) MiB/.exec(
    readFileSync('docs/benchmarks/webhook.md', 'utf8'),
  );
  const hostile = tableMiB('docs/benchmarks/webhook-hostile.md', 'peak RSS');

  it('finds the figures it checks against', () => {
    expect(sustained).toHaveLength(1);
    expect(target).not.toBeNull();
    expect(hostile.length).toBeGreaterThanOrEqual(3);
  });

  it('requests what the webhook holds under sustained load, and the target it is tuned to', () => {
    const request = mebibytes(chartResources().requests.memory);
    expect(request).toBeGreaterThanOrEqual(Math.max(...sustained));
    expect(request).toBeGreaterThanOrEqual(Number(target?.[1]));
  });

  it('limits above every hostile peak measured, with the request below the limit', () => {
    const { requests, limits } = chartResources();
    expect(mebibytes(limits.memory)).toBeGreaterThan(Math.max(...hostile));
    expect(mebibytes(requests.memory)).toBeLessThan(mebibytes(limits.memory));
  });

  it('gives the plain manifests the chart values', () => {
    expect(kustomizeResources()).toEqual(chartResources());
  });

  it('reads quantities exactly', () => {
    expect(mebibytes('160Mi')).toBe(160);
    expect(mebibytes('1Gi')).toBe(1024);
    expect(mebibytes('512Ki')).toBe(0.5);
    expect(() => mebibytes('160M')).toThrow('not a binary memory quantity');
  });
});
