import { describe, expect, it } from '@jest/globals';
import { createBodyBudget } from './body-budget.ts';

describe('the in-flight body budget', () => {
  it('takes bytes up to the limit, refuses what would pass it, and frees what is given back', () => {
    const budget = createBodyBudget(100);
    expect([budget.take(60), budget.take(41), budget.inUse(), budget.fits(40)]).toEqual([true, false, 60, true]);
    expect([budget.take(40), budget.fits(1), budget.take(1)]).toEqual([true, false, false]);
    budget.give(60);
    expect([budget.inUse(), budget.fits(60), budget.take(50)]).toEqual([40, true, true]);
  });
});
