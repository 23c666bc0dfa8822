import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import people from './app.ts';
import { emulatorServed } from './lib/provider.ts';
import { lastRuns } from './lib/sync-runs.ts';
import { listPeople } from './lib/users-store.ts';
import { PeoplePage } from './views/people-page.tsx';

/** A filter from the page's form: an empty choice is no filter, anything else but true/false too. */
const choice = z
  .enum(['true', 'false', ''])
  .optional()
  .catch(undefined)
  .transform((text) => (text === 'true' ? true : text === 'false' ? false : undefined));

export default defineHttp({
  method: 'GET',
  path: '/users/ui',
  summary: 'People page',
  hidden: true,
  auth: 'user',
  query: z.object({ offset: pageQueryFields.offset.catch(0), has_address: choice, has_card: choice }),
  handler: async (req, ctx) => {
    const filters = { hasAddress: req.query.has_address, hasCard: req.query.has_card };
    const [page, runs, viewer] = await Promise.all([
      listPeople(ctx.db, { limit: 20, offset: req.query.offset, ...filters }),
      lastRuns(ctx.db),
      pageViewer(req),
    ]);
    return html(
      <PeoplePage
        page={page}
        filters={filters}
        runs={runs}
        emulator={emulatorServed(people.config(ctx.config))}
        viewer={viewer}
        flash={req.flash}
      />,
    );
  },
});
