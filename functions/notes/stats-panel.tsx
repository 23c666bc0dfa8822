import { defineHttp } from '../../shared/contract/index.ts';
import { partial } from '../../shared/http/views/index.ts';
import { ownerStatsCached } from './lib/tasks.ts';
import { StatsStrip } from './views/stats-strip.tsx';

export default defineHttp({
  method: 'GET',
  path: '/stats-panel',
  summary: "Notes page: the user's counts (htmx fragment, refreshed after each change)",
  hidden: true,
  auth: 'user',
  handler: async (req, ctx) => partial(<StatsStrip stats={await ownerStatsCached(ctx, req.user.id)} />),
});
