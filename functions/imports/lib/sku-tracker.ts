/**
 * The skus seen so far, as 32-bit hashes (a million cost a few MB, not the strings): a sku whose
 * hash was seen before may be a duplicate, and only those are checked in SQL. After a resume the
 * skus staged before the crash were not seen here: then every sku is checked (undefined).
 *
 * The hashes live in an open-addressing table of a typed array: a Set of a million numbers
 * costs several times the memory and most of a second of garbage collection.
 */
/** FNV-1a, 32 bits. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const COMMA = 0x2c;

export class SkuTracker {
  #slots = new Uint32Array(1 << 16);
  #count = 0;
  readonly #candidates = new Set<string>();

  constructor(private readonly complete: boolean) {}

  /** Notes the sku; true if its hash is new (then the sku certainly is: its first row in the file). */
  see(sku: string): boolean {
    let hash = FNV_OFFSET;
    for (let i = 0; i < sku.length; i++) hash = Math.imul(hash ^ sku.charCodeAt(i), FNV_PRIME);
    if (this.#add(hash)) return true;
    this.#candidates.add(sku);
    return false;
  }

  /** see() for a record's bytes that start with an ASCII sku and a comma; a string only if needed. */
  seeAscii(record: Buffer): boolean {
    let hash = FNV_OFFSET;
    let length = 0;
    for (; length < record.length && record[length] !== COMMA; length++) {
      hash = Math.imul(hash ^ record[length]!, FNV_PRIME);
    }
    if (this.#add(hash)) return true;
    this.#candidates.add(record.toString('latin1', 0, length));
    return false;
  }

  /** Adds an FNV hash; false if it was there. */
  #add(fnv: number): boolean {
    const hash = fnv >>> 0 || 1; // never 0, the empty slot
    if (!this.#insert(hash)) return false;
    if (++this.#count * 2 > this.#slots.length) this.#grow();
    return true;
  }

  candidates(): string[] | undefined {
    return this.complete ? [...this.#candidates] : undefined;
  }

  /** Adds the hash; false if it was there. */
  #insert(hash: number): boolean {
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const found = this.#slots[slot];
      if (found === hash) return false;
      if (found === 0) {
        this.#slots[slot] = hash;
        return true;
      }
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    for (const hash of old) if (hash !== 0) this.#insert(hash);
  }
}
