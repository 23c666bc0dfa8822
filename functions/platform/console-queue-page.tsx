import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { loadQueue } from './lib/dead-letters-view.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { queueParams } from './lib/schemas.ts';
import { QueuePage } from './views/queue-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/console/queues/:queue',
  summary: "Console: a queue's dead letters, to replay or purge",
  hidden: true,
  auth: 'admin',
  params: queueParams,
  handler: async (req, ctx) => {
    assertKnownQueue(ctx, req.params.queue);
    const [view, viewer] = await Promise.all([loadQueue(ctx, req.params.queue), pageViewer(req)]);
    return html(<QueuePage view={view} viewer={viewer} flash={req.flash} />);
  },
});
