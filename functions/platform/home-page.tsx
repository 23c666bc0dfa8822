import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { HomePage } from './views/home-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Home page: every app, what is running, how to sign in',
  hidden: true,
  auth: 'public',
  handler: async (req, ctx) =>
    html(<HomePage system={ctx.system} viewer={await pageViewer(req)} flash={req.flash} />),
});
