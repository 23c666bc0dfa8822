import type { Child } from 'hono/jsx';

/**
 * A table that scrolls sideways inside its card when the screen is narrower than the table, so
 * the page itself never does. Focusable and labelled, so keyboard users can scroll it too.
 *
 * @example
 *   <TableScroll label="Recent jobs"><table class="data">…</table></TableScroll>
 */
export function TableScroll({ label, children }: { label: string; children: Child }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}
