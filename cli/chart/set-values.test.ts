import { describe, expect, it } from '@jest/globals';
import { ChartError } from './errors.ts';
import { applySet, MAX_INDEX } from './set-values.ts';

describe('applySet (helm --set)', () => {
  it('sets nested keys with typed values', () => {
    expect(
      applySet(
        {},
        'injector.replicas=3,injector.enabled=false,global.externalVaultAddr=https://vault:8200,x=null,y=007,z=0,e=',
      ),
    ).toEqual({
      injector: { replicas: 3, enabled: false },
      global: { externalVaultAddr: 'https://vault:8200' },
      x: null,
      y: '007',
      z: 0,
      e: '',
    });
  });

  it('keeps every value a string with --set-string', () => {
    expect(applySet({}, 'a=true,b=12', true)).toEqual({ a: 'true', b: '12' });
  });

  it('honours escapes and lists', () => {
    expect(applySet({}, 'annotations.example\\.com/team=a\\,b,list={x,2,true},empty={}')).toEqual({
      annotations: { 'example.com/team': 'a,b' },
      list: ['x', 2, true],
      empty: [],
    });
  });

  it('fills list items by index and accumulates over several calls', () => {
    const values: Record<string, unknown> = {};
    applySet(values, 'injector.tolerations[1].key=dedicated');
    applySet(values, 'injector.tolerations[1].operator=Exists,injector.replicas=2');
    expect(values).toEqual({
      injector: { tolerations: [null, { key: 'dedicated', operator: 'Exists' }], replicas: 2 },
    });
  });

  it('names a malformed expression and refuses huge indexes', () => {
    expect(() => applySet({}, 'injector.replicas')).toThrow('"injector.replicas" has no "="');
    expect(() => applySet({}, 'a..b=1')).toThrow(ChartError);
    expect(() => applySet({}, `a[${MAX_INDEX + 1}]=1`)).toThrow(`index ${MAX_INDEX + 1} is larger than the maximum`);
  });
});
