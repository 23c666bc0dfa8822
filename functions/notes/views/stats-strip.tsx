import type { OwnerStats } from '../lib/stats-store.ts';
import { CHANGED_EVENT, STATS_PANEL_PATH } from '../lib/paths.ts';
import { formatRate } from './format.ts';

/** The user's live counts in the page head; refreshes itself whenever a fragment reports a change. */
export function StatsStrip({ stats }: { stats: OwnerStats }) {
  return (
    <p
      id="stats-strip"
      class="muted"
      hx-get={STATS_PANEL_PATH}
      hx-trigger={`${CHANGED_EVENT} from:body`}
      hx-swap="outerHTML"
      aria-live="polite"
    >
      {stats.total} {stats.total === 1 ? 'task' : 'tasks'}: {stats.todo} to do, {stats.inProgress} in
      progress, {stats.done} done ({formatRate(stats.completionRate)} complete).
    </p>
  );
}
