import { createHash } from 'node:crypto';
import type { CacheKeyPart } from './port.ts';

/**
 * Key layout, shared by both drivers:
 *
 *   <prefix>gen:<namespace>                   the namespace's current generation (a random token)
 *   <prefix>v:<namespace>:<generation>:<hash>  one entry, hash of its key parts
 *
 * Invalidating a namespace is replacing its generation: entries under the old one are never
 * read again and expire by their TTL. The key stays parseable from the right (the hash and the
 * generation have no `:`), so a namespace containing `:` cannot collide with another one.
 */

/**
 * The metrics label of a namespace: its first two `:`-segments.
 *
 * @example
 *   namespaceGroup('notes:tasks:7f3c…'); // 'notes:tasks'
 *   namespaceGroup('stats');             // 'stats'
 */
export function namespaceGroup(namespace: string): string {
  return namespace.split(':', 2).join(':');
}

/** Redis key holding the generation of `namespace`. */
export function generationKey(prefix: string, namespace: string): string {
  return `${prefix}gen:${namespace}`;
}

/** Redis (or memory) key of one entry in one generation of its namespace. */
export function entryKey(prefix: string, namespace: string, generation: string, hash: string): string {
  return `${prefix}v:${namespace}:${generation}:${hash}`;
}

/**
 * A fixed-length digest of the key parts. Parts are tagged by type first, so `1` and `'1'`,
 * `null` and `undefined`, `['a,b']` and `['a', 'b']` are different entries.
 *
 * @example
 *   keyPartsHash(['open', 2]) === keyPartsHash(['open', 2]); // true
 *   keyPartsHash(['open', 2]) === keyPartsHash(['open', '2']); // false
 */
export function keyPartsHash(parts: readonly CacheKeyPart[]): string {
  const tagged = parts.map(tagPart);
  return createHash('sha256').update(JSON.stringify(tagged)).digest('base64url').slice(0, 22);
}

function tagPart(part: CacheKeyPart): string {
  if (part === null) return 'null';
  if (part === undefined) return 'undefined';
  switch (typeof part) {
    case 'string':
      return `s:${part}`;
    case 'number':
      return `n:${part}`;
    case 'boolean':
      return `b:${part}`;
    default:
      // Unreachable from typed code; an object here would otherwise hash as "[object Object]".
      throw new TypeError(`Cache key parts must be strings, numbers, booleans, null or undefined`);
  }
}

/** Throws a TypeError for a namespace the key layout cannot hold. */
export function assertNamespace(namespace: string): void {
  if (typeof namespace !== 'string' || namespace === '' || /\s/.test(namespace)) {
    throw new TypeError(
      `Cache namespace must be a non-empty string without whitespace, got ${JSON.stringify(namespace)}`,
    );
  }
}
