/**
 * A small seeded PRNG (mulberry32) and sampling helpers for the apps' sample-data generators.
 * Seeding per entry id (not one stream for the whole file) keeps `entryFor(id)` a pure
 * function: any id can be generated on its own, in any order, and always the same way.
 */
export type Random = () => number;

/** mulberry32: 32-bit state, good enough statistically for sample data, tiny and fast. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix an id with a salt into a well-spread 32-bit seed (murmur3 finalizer). */
export function seedFor(id: number, salt: number): number {
  let h = (Math.imul(id >>> 0, 0x9e3779b1) ^ Math.floor(id / 4294967296) ^ salt) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick: no items');
  return items[Math.floor(random() * items.length)] as T;
}

/** Pick by weight: `weighted(random, [['a', 3], ['b', 1]])` returns 'a' three times as often. */
export function weighted<T>(random: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let ticket = random() * total;
  for (const [item, weight] of items) {
    ticket -= weight;
    if (ticket < 0) return item;
  }
  const last = items[items.length - 1];
  if (!last) throw new RangeError('weighted: no items');
  return last[0];
}

/** Normally distributed sample (Box–Muller), clamped to [min, max]. */
export function normalBetween(random: Random, mean: number, sd: number, min: number, max: number): number {
  const u = 1 - random();
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(max, Math.max(min, mean + z * sd));
}
