/**
 * A time as the console writes it, in UTC so every operator reads the same: `2026-12-05 19:41 UTC`,
 * or with seconds (`2026-12-05 19:41:34 UTC`) where they matter (attempts, dead letters).
 */
export function utc(iso: string, precision: 'minute' | 'second' = 'minute'): string {
  return `${iso.slice(0, precision === 'minute' ? 16 : 19).replace('T', ' ')} UTC`;
}
