import { describe, expect, it } from 'vitest';
import { SkuTracker } from '../../functions/imports/lib/sku-tracker.ts';

describe('the sku tracker', () => {
  it('names every sku seen twice among 200,000, across the growth of its table', () => {
    const tracker = new SkuTracker(true);
    const repeated = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      tracker.see(`SKU-${i}`);
      if (i % 997 === 0) {
        tracker.see(`SKU-${i}`);
        repeated.add(`SKU-${i}`);
      }
    }
    // A hash shared by two skus makes a false candidate (checked in SQL), never a missed one.
    const candidates = new Set(tracker.candidates());
    for (const sku of repeated) expect(candidates.has(sku)).toBe(true);
    expect(candidates.size).toBeLessThan(repeated.size + 50);
  });

  it('names a sku once however often it repeats, and says which sighting is the first', () => {
    const tracker = new SkuTracker(true);
    const first = [1, 2, 3].map(() => tracker.see('A-1'));
    expect(first).toEqual([true, false, false]);
    expect(tracker.see('B-2')).toBe(true);
    expect(tracker.candidates()).toEqual(['A-1']);
  });

  it('asks for every sku to be checked when it did not see the whole file (a resumed import)', () => {
    const tracker = new SkuTracker(false);
    tracker.see('A-1');
    tracker.see('A-1');
    expect(tracker.candidates()).toBeUndefined();
  });
});
