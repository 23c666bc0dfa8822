/** Display formatting for the Notes pages. */

/** "2026-03-14 09:30 UTC": unambiguous without knowing the reader's time zone. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 0.6667 → "66.7%". */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
