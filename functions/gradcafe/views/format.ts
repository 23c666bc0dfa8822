/** Display formatting for GradCafe pages. Missing figures show as an em dash. */
const DASH = '—';

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatFixed(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? DASH : value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : `${value.toFixed(2)}%`;
}

/** "2026-03-14 09:30 UTC": unambiguous without knowing the reader's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
