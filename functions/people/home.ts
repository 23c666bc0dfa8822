import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { PAGE_PATH } from './lib/paths.ts';

export default defineHttp({
  method: 'GET',
  path: '/',
  auth: 'public',
  summary: 'The People page (at /people/users/ui)',
  responses: { 302: { description: 'To the page' } },
  handler: () => redirect(PAGE_PATH, { status: 302 }),
});
