/**
 * What a cache backend must do; the read-through logic (single flight, JSON, metrics, falling
 * back to the source) lives once in read-through.ts on top of it. Keys are complete (prefix
 * included, see keys.ts); values are opaque strings. Any method may reject when the backend
 * is unreachable; the caller decides what that means.
 */
export interface CacheStore {
  readonly driver: 'memory' | 'redis';
  /**
   * The namespace's current generation. A namespace seen for the first time (or whose
   * generation was evicted or expired) gets a fresh random one, never a reused value, so an
   * old entry can never become readable again.
   */
  generation(namespace: string): Promise<string>;
  /** Replaces the namespace's generation with a fresh one. */
  renewGeneration(namespace: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Throws when the backend is unreachable. */
  check(): Promise<void>;
  close(): Promise<void>;
}
