import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { consoleQuery, loadConsole } from './lib/console-view.ts';
import { ConsolePage } from './views/console-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/console',
  summary: 'Operator console: queues, dead letters, outbox and a job search',
  hidden: true,
  auth: 'admin',
  query: consoleQuery,
  handler: async (req, ctx) => {
    const [view, viewer] = await Promise.all([loadConsole(ctx, req.query), pageViewer(req)]);
    return html(<ConsolePage view={view} filter={req.query} viewer={viewer} flash={req.flash} />);
  },
});
