import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../shared/http/app.ts';
import { encodeFlash } from '../../shared/http/flash.ts';
import { outboxRelayFor } from '../../shared/outbox/index.ts';
import { runSeeds } from '../../shared/runtime/seeds.ts';
import type { HttpResult } from '../../shared/lambda/types.ts';
import {
  functionUrlEvent,
  httpEvent,
  restApiEvent,
  type HttpEventOptions,
} from '../../scripts/lambda/events.ts';
import {
  answerOfLambda,
  answerOfResponse,
  sharedBundles,
  createLambdaStack,
  invoke,
  resultsOf,
  type HttpAnswer,
  type LambdaStack,
} from '../helpers/lambda.ts';
import { testLog } from '../helpers/platform.ts';

/**
 * Every HTTP bundle, imported in a fresh Node process and invoked with API Gateway v2 events,
 * answers like the local runner does for the same request: same status, headers, cookies and
 * body, on the same database and queues.
 */
interface Sample extends Omit<HttpEventOptions, 'method'> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** What the sample shows (test title). */
  shows: string;
  /** The status both must answer, so two equal failures cannot pass as parity. */
  status: number;
  /** Sent with an admin's bearer token (the route needs an admin). */
  asAdmin?: boolean;
  /**
   * For a request that changes what the next one sees: how the Lambda's body (which ran second)
   * relates to the runner's. Default: equal.
   */
  secondBody?: (runnerBody: string) => string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const FORM = 'application/x-www-form-urlencoded';
const DEAD_LETTERS = '/queues/gradcafe.scrape-new-data/dead-letters';

const FORM_HEADERS = { 'content-type': FORM, accept: 'text/html' };

// `{task}` and `{admin}` in a path are replaced by a task created for the run and the admin's id.
const GONE = '00000000-0000-4000-8000-00000000dead';
const ADMIN_HTML = { accept: 'text/html' };
const notesSample = (
  shows: string,
  status: number,
  method: Sample['method'],
  path: string,
  extra: Partial<Sample> = {},
): Sample => ({ shows, status, method, path, asAdmin: true, ...extra });

const NOTES_SAMPLES: Record<string, Sample[]> = {
  'notes-page': [notesSample('the dashboard', 200, 'GET', '/notes/', { headers: ADMIN_HTML })],
  'notes-api-list-tasks': [
    notesSample('a filtered page of tasks', 200, 'GET', '/notes/api/tasks', {
      query: { status: 'todo', limit: '5' },
    }),
  ],
  'notes-api-create-task': [
    notesSample('a new task: 201', 201, 'POST', '/notes/api/tasks', {
      headers: JSON_HEADERS,
      body: '{"title":"from the parity test","description":"<b>kept as text</b>","role":"admin"}',
    }),
  ],
  'notes-api-get-task': [notesSample('one task', 200, 'GET', '/notes/api/tasks/{task}')],
  'notes-api-update-task': [
    notesSample('a changed task', 200, 'PATCH', '/notes/api/tasks/{task}', {
      headers: JSON_HEADERS,
      body: '{"status":"in_progress"}',
    }),
  ],
  'notes-api-delete-task': [
    notesSample('a task that is not there: 404', 404, 'DELETE', `/notes/api/tasks/${GONE}`),
  ],
  'notes-api-my-stats': [notesSample('own statistics', 200, 'GET', '/notes/api/stats/me')],
  'notes-api-stats': [notesSample('every owner’s statistics', 200, 'GET', '/notes/api/stats')],
  'notes-api-trigger-report': [
    notesSample('a report job: 202', 202, 'POST', '/notes/api/jobs/task-report', {
      headers: JSON_HEADERS,
      body: '{"owner_id":"{admin}"}',
    }),
  ],
  'notes-api-get-report': [
    notesSample('no report yet: 404', 404, 'GET', '/notes/api/jobs/task-report/{admin}'),
  ],
  'notes-create-item': [
    notesSample('a page form post', 303, 'POST', '/notes/items', {
      headers: { 'content-type': FORM, ...ADMIN_HTML },
      body: 'title=from+a+form',
    }),
  ],
  'notes-delete-item': [
    notesSample('a task that is gone', 303, 'POST', `/notes/items/${GONE}/delete`, {
      headers: { 'content-type': FORM, ...ADMIN_HTML },
      body: '',
    }),
  ],
  'notes-edit-item-form': [
    notesSample('the edit fragment', 200, 'GET', '/notes/items/{task}/edit', {
      headers: { 'hx-request': 'true', ...ADMIN_HTML },
    }),
  ],
  'notes-edit-item': [
    notesSample('an edit of a task that is gone', 303, 'POST', `/notes/items/${GONE}/edit`, {
      headers: { 'content-type': FORM, ...ADMIN_HTML },
      body: 'title=x',
    }),
  ],
  'notes-generate-report': [
    notesSample('a report from the page', 303, 'POST', '/notes/report', {
      headers: { 'content-type': FORM, ...ADMIN_HTML },
      body: '',
    }),
  ],
  'notes-item': [
    notesSample('one item fragment', 200, 'GET', '/notes/items/{task}', {
      headers: { 'hx-request': 'true', ...ADMIN_HTML },
    }),
  ],
  'notes-report-panel': [
    notesSample('the polled report panel', 200, 'GET', '/notes/report-panel', {
      headers: { 'hx-request': 'true', ...ADMIN_HTML },
    }),
  ],
  'notes-stats-panel': [
    notesSample('the counts fragment', 200, 'GET', '/notes/stats-panel', {
      headers: { 'hx-request': 'true', ...ADMIN_HTML },
    }),
  ],
  'notes-toggle-item': [
    notesSample('a toggle of a task that is gone', 303, 'POST', `/notes/items/${GONE}/toggle`, {
      headers: { 'content-type': FORM, ...ADMIN_HTML },
      body: '',
    }),
  ],
};

const MISSING_IMPORT = '999999';
const IMPORTS_SAMPLES: Record<string, Sample[]> = {
  'imports-page': [
    {
      shows: 'the history page',
      status: 200,
      method: 'GET',
      path: '/imports/',
      asAdmin: true,
      headers: ADMIN_HTML,
    },
  ],
  'imports-history-panel': [
    { shows: 'an htmx fragment', status: 200, method: 'GET', path: '/imports/history-panel', asAdmin: true },
  ],
  'imports-import-page': [
    {
      shows: 'an import that does not exist, 404',
      status: 404,
      method: 'GET',
      path: `/imports/runs/${MISSING_IMPORT}`,
      asAdmin: true,
      headers: ADMIN_HTML,
    },
  ],
  'imports-import-progress': [
    {
      shows: 'an import that does not exist, 404',
      status: 404,
      method: 'GET',
      path: `/imports/runs/${MISSING_IMPORT}/progress`,
      asAdmin: true,
    },
  ],
  'imports-failed-rows-csv': [
    {
      shows: 'an import that does not exist, 404',
      status: 404,
      method: 'GET',
      path: `/imports/runs/${MISSING_IMPORT}/failed-rows.csv`,
      asAdmin: true,
    },
  ],
  'imports-api-list-imports': [
    {
      shows: 'JSON from the database',
      status: 200,
      method: 'GET',
      path: '/imports/api/imports',
      asAdmin: true,
    },
  ],
  'imports-api-get-import': [
    {
      shows: 'an id that is not an import id, 400',
      status: 400,
      method: 'GET',
      path: '/imports/api/imports/abc',
      asAdmin: true,
    },
  ],
  'imports-api-failed-rows': [
    {
      shows: 'an import that does not exist, 404',
      status: 404,
      method: 'GET',
      path: `/imports/api/imports/${MISSING_IMPORT}/failed-rows`,
      asAdmin: true,
    },
  ],
  'imports-api-list-items': [
    {
      shows: 'a filtered page',
      status: 200,
      method: 'GET',
      path: '/imports/api/items',
      query: { category: 'Toys', q: 'tea' },
      asAdmin: true,
    },
  ],
  'imports-trigger-job': [
    {
      shows: 'without a token, 401',
      status: 401,
      method: 'POST',
      path: '/imports/trigger-job',
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'imports-upload-file': [
    {
      shows: 'a body that is not a file, 400',
      status: 400,
      method: 'POST',
      path: '/imports/files',
      asAdmin: true,
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
};

const PEOPLE_SAMPLES: Record<string, Sample[]> = {
  'people-home': [{ shows: 'a redirect to the page', status: 302, method: 'GET', path: '/people/' }],
  'people-page': [
    {
      shows: 'the page',
      status: 200,
      method: 'GET',
      path: '/people/users/ui',
      asAdmin: true,
      headers: ADMIN_HTML,
    },
  ],
  'people-api-list-users': [
    {
      shows: 'a filtered page',
      status: 200,
      method: 'GET',
      path: '/people/users',
      query: { has_address: 'true', limit: '5' },
      asAdmin: true,
    },
  ],
  'people-api-get-user': [
    {
      shows: 'an id that is not a number, 400',
      status: 400,
      method: 'GET',
      path: '/people/users/abc',
      asAdmin: true,
    },
  ],
  'people-trigger-sync': [
    {
      shows: 'without a token, 401',
      status: 401,
      method: 'POST',
      path: '/people/sync/users',
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'people-provider-users': [
    {
      shows: 'a page of the emulator',
      status: 200,
      method: 'GET',
      path: '/people/provider/users',
      query: { limit: '2' },
    },
  ],
  'people-provider-user': [
    { shows: 'one person of the emulator', status: 200, method: 'GET', path: '/people/provider/users/7' },
  ],
  'people-provider-faults': [
    {
      shows: 'no faults to queue, the queue cleared',
      status: 200,
      method: 'POST',
      path: '/people/provider/faults',
      asAdmin: true,
      headers: JSON_HEADERS,
      body: '{"clear": "true"}',
    },
  ],
};

// The seeded catalog: six products (ids 1..6), whose events wait in the gallery's queue (no worker here).
const ADMIN_API = '/catalog-admin/api/products';
const catalogAdmin = (
  shows: string,
  status: number,
  method: Sample['method'],
  path: string,
  extra: Partial<Sample> = {},
): Sample => ({
  shows,
  status,
  method,
  path,
  asAdmin: true,
  ...extra,
});

const CATALOG_SAMPLES: Record<string, Sample[]> = {
  'catalog-page': [{ shows: 'the gallery, anonymously', status: 200, method: 'GET', path: '/catalog/' }],
  'catalog-api-list-products': [
    {
      shows: 'a page of the gallery',
      status: 200,
      method: 'GET',
      path: '/catalog/api/products',
      query: { limit: '2' },
    },
  ],
  'catalog-api-like-product': [
    catalogAdmin('a product the gallery does not have, 404', 404, 'POST', '/catalog/api/products/999/like', {
      headers: JSON_HEADERS,
    }),
  ],
  'catalog-like-product': [
    {
      shows: 'without a session, to sign in',
      status: 303,
      method: 'POST',
      path: '/catalog/products/1/like',
      headers: FORM_HEADERS,
    },
  ],
  'catalog-admin-page': [
    catalogAdmin('the product list', 200, 'GET', '/catalog-admin/', { headers: ADMIN_HTML }),
  ],
  'catalog-admin-api-list-products': [
    catalogAdmin('a page of products', 200, 'GET', ADMIN_API, { query: { limit: '3' } }),
  ],
  'catalog-admin-api-get-product': [
    catalogAdmin('a product', 200, 'GET', `${ADMIN_API}/1`),
    catalogAdmin('an unknown one, 404', 404, 'GET', `${ADMIN_API}/999`),
  ],
  'catalog-admin-api-create-product': [
    catalogAdmin('an image that is not http(s), 400', 400, 'POST', ADMIN_API, {
      headers: JSON_HEADERS,
      body: JSON.stringify({ title: 'Lamp', image: 'ftp://example.com/lamp.png' }),
    }),
  ],
  'catalog-admin-api-update-product': [
    catalogAdmin('an unknown product, 404', 404, 'PUT', `${ADMIN_API}/999`, {
      headers: JSON_HEADERS,
      body: JSON.stringify({ title: 'Lamp', image: 'https://example.com/lamp.png' }),
    }),
  ],
  'catalog-admin-api-delete-product': [
    catalogAdmin('an unknown product, 404', 404, 'DELETE', `${ADMIN_API}/999`),
  ],
  'catalog-admin-sample-image': [
    { shows: 'a sample picture', status: 200, method: 'GET', path: '/catalog-admin/samples/desk-lamp.svg' },
  ],
  'catalog-admin-new-product': [
    catalogAdmin('the form', 200, 'GET', '/catalog-admin/products/new', { headers: ADMIN_HTML }),
  ],
  'catalog-admin-create-product': [
    catalogAdmin('a refused form, back with its messages', 400, 'POST', '/catalog-admin/products', {
      headers: FORM_HEADERS,
      body: 'title=&image=nope',
    }),
  ],
  'catalog-admin-edit-product': [
    catalogAdmin('the edit form', 200, 'GET', '/catalog-admin/products/2/edit', { headers: ADMIN_HTML }),
  ],
  'catalog-admin-save-product': [
    catalogAdmin('a refused form', 400, 'POST', '/catalog-admin/products/2/edit', {
      headers: FORM_HEADERS,
      body: 'title=Armchair&image=javascript%3Aalert(1)',
    }),
  ],
  'catalog-admin-confirm-delete': [
    catalogAdmin('the confirmation step', 200, 'GET', '/catalog-admin/products/3/delete', {
      headers: ADMIN_HTML,
    }),
  ],
  'catalog-admin-delete-product': [
    catalogAdmin(
      'a product gone meanwhile, back to the list',
      303,
      'POST',
      '/catalog-admin/products/999/delete',
      {
        headers: FORM_HEADERS,
      },
    ),
  ],
};

const SAMPLES: Record<string, Sample[]> = {
  ...CATALOG_SAMPLES,
  ...NOTES_SAMPLES,
  ...IMPORTS_SAMPLES,
  ...PEOPLE_SAMPLES,
  'platform-auth-login-page': [
    { shows: 'a page that starts a session for its form', status: 200, method: 'GET', path: '/auth/login' },
  ],
  'platform-auth-register-page': [
    {
      shows: 'the registration page',
      status: 200,
      method: 'GET',
      path: '/auth/register',
      query: { next: '/x' },
    },
  ],
  'platform-auth-login': [
    {
      shows: 'a form post without a session, refused (CSRF)',
      status: 403,
      method: 'POST',
      path: '/auth/login',
      headers: FORM_HEADERS,
      body: 'email=a%40example.com&password=x',
    },
  ],
  'platform-auth-register': [
    {
      shows: 'a form post without a session, refused (CSRF)',
      status: 403,
      method: 'POST',
      path: '/auth/register',
      headers: FORM_HEADERS,
      body: 'email=a%40example.com&password=long-enough',
    },
  ],
  'platform-auth-logout': [
    {
      shows: 'sign-out: a redirect that clears the session cookie',
      status: 303,
      method: 'POST',
      path: '/auth/logout',
    },
  ],
  'platform-api-auth-login': [
    {
      shows: 'the OAuth2 token endpoint, wrong password: 401',
      status: 401,
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': FORM },
      body: 'username=nobody%40example.com&password=wrong-password',
    },
  ],
  'platform-api-auth-register': [
    {
      shows: 'a password too short: 400',
      status: 400,
      method: 'POST',
      path: '/api/auth/register',
      headers: JSON_HEADERS,
      body: '{"email":"short@example.com","password":"short"}',
    },
  ],
  'platform-auth-password-page': [
    {
      shows: 'the account page',
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: '/auth/password',
      headers: { accept: 'text/html' },
    },
  ],
  'platform-auth-password': [
    {
      shows: 'not signed in: to the sign-in page',
      status: 303,
      method: 'POST',
      path: '/auth/password',
      headers: FORM_HEADERS,
      body: 'current_password=a&new_password=b&confirm_password=b',
    },
  ],
  'platform-auth-logout-everywhere': [
    {
      shows: 'not signed in: to the sign-in page',
      status: 303,
      method: 'POST',
      path: '/auth/logout-everywhere',
      headers: FORM_HEADERS,
      body: '',
    },
  ],
  'platform-api-auth-password': [
    {
      shows: 'a wrong current password: 400, nothing changed',
      asAdmin: true,
      status: 400,
      method: 'POST',
      path: '/api/auth/password',
      headers: JSON_HEADERS,
      body: '{"current_password":"not it","new_password":"whatever password"}',
    },
  ],
  'platform-api-auth-logout-everywhere': [
    { shows: 'not signed in: 401', status: 401, method: 'POST', path: '/api/auth/logout-everywhere' },
  ],
  'platform-api-users-me': [
    {
      shows: 'no credentials: 401',
      status: 401,
      method: 'GET',
      path: '/api/users/me',
      headers: { accept: 'application/json' },
    },
  ],
  'platform-healthz': [{ shows: 'liveness', status: 200, method: 'GET', path: '/healthz' }],
  'platform-readyz': [
    { shows: 'readiness on Postgres and SQS', status: 200, method: 'GET', path: '/readyz' },
  ],
  'platform-get-job': [
    {
      shows: 'a path parameter, 404',
      asAdmin: true,
      status: 404,
      method: 'GET',
      path: `/jobs/${randomUUID()}`,
    },
    {
      shows: 'an invalid path parameter, 400',
      asAdmin: true,
      status: 400,
      method: 'GET',
      path: '/jobs/not-a-uuid',
    },
    { shows: 'anonymous, 401', status: 401, method: 'GET', path: `/jobs/${randomUUID()}` },
  ],
  'platform-console-api-jobs': [
    {
      shows: 'failed and dead jobs with a text',
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: '/console/api/jobs',
      query: { state: 'failed,dead', q: 'queued', limit: '5' },
    },
    {
      shows: 'a state that does not exist, 400',
      asAdmin: true,
      status: 400,
      method: 'GET',
      path: '/console/api/jobs',
      query: { state: 'lost' },
    },
  ],
  'platform-console-api-queues': [
    { shows: 'queue depths', asAdmin: true, status: 200, method: 'GET', path: '/console/api/queues' },
  ],
  'platform-console-api-dead-letters': [
    {
      shows: 'a query string',
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: '/console/api/queues/gradcafe.scrape-new-data/dead-letters',
      query: { limit: '5' },
    },
  ],
  'platform-console-api-replay-dead-letters': [
    {
      shows: 'an unknown queue, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: '/console/api/queues/nope/dead-letters/replay',
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'platform-console-page': [
    {
      shows: 'what failed in the last hour',
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: '/console',
      query: { state: 'problems', window: 'hour' },
      headers: { accept: 'text/html' },
    },
  ],
  'platform-console-replay': [
    {
      shows: 'a queue that does not exist, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: '/console/queues/nope/replay',
      headers: FORM_HEADERS,
    },
  ],
  'platform-console-job-page': [
    {
      shows: 'a job that is not there, 404',
      asAdmin: true,
      status: 404,
      method: 'GET',
      path: `/console/jobs/${GONE}`,
      headers: ADMIN_HTML,
    },
  ],
  'platform-console-api-job': [
    {
      shows: 'a job that is not there, 404',
      asAdmin: true,
      status: 404,
      method: 'GET',
      path: `/console/api/jobs/${GONE}`,
    },
  ],
  'platform-console-api-job-retry': [
    {
      shows: 'a job that is not there, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: `/console/api/jobs/${GONE}/retry`,
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'platform-console-api-job-cancel': [
    {
      shows: 'a job that is not there, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: `/console/api/jobs/${GONE}/cancel`,
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'platform-console-queue-page': [
    {
      shows: "a queue's dead letters",
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: '/console/queues/gradcafe.scrape-new-data',
      headers: ADMIN_HTML,
    },
  ],
  'platform-console-api-purge-dead-letters': [
    {
      shows: 'an unknown queue, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: '/console/api/queues/nope/dead-letters/purge',
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'platform-console-api-schedules': [
    { shows: 'every schedule', asAdmin: true, status: 200, method: 'GET', path: '/console/api/schedules' },
  ],
  'platform-console-api-schedule-run': [
    {
      shows: 'an unknown schedule, 404',
      asAdmin: true,
      status: 404,
      method: 'POST',
      path: '/console/api/schedules/nope/run',
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'platform-home-page': [{ shows: 'the home page', status: 200, method: 'GET', path: '/' }],
  'platform-list-queues': [
    { shows: 'queue depths', asAdmin: true, status: 200, method: 'GET', path: '/queues' },
  ],
  'platform-list-dead-letters': [
    {
      shows: 'a query string',
      asAdmin: true,
      status: 200,
      method: 'GET',
      path: DEAD_LETTERS,
      query: { limit: '5' },
    },
    {
      shows: 'an unknown queue, 404',
      asAdmin: true,
      status: 404,
      method: 'GET',
      path: '/queues/nope/dead-letters',
    },
  ],
  'platform-replay-dead-letters': [
    {
      shows: 'a JSON body',
      asAdmin: true,
      status: 200,
      method: 'POST',
      path: `${DEAD_LETTERS}/replay`,
      headers: JSON_HEADERS,
      body: '{}',
    },
  ],
  'gradcafe-page': [
    {
      shows: 'a page that reads and clears a flash cookie',
      status: 200,
      method: 'GET',
      path: '/gradcafe/',
      headers: { accept: 'text/html' },
      cookies: [`__Host-flash=${encodeFlash([{ type: 'success', message: 'Pulled <new> data' }])}`],
    },
    { shows: 'the path without its trailing slash', status: 200, method: 'GET', path: '/gradcafe' },
  ],
  'gradcafe-jobs-panel': [
    { shows: 'an htmx fragment', status: 200, method: 'GET', path: '/gradcafe/jobs-panel' },
  ],
  'gradcafe-api-analysis': [
    { shows: 'JSON from the database', status: 200, method: 'GET', path: '/gradcafe/api/analysis' },
  ],
  'gradcafe-api-applicants': [
    {
      shows: 'repeated and encoded query parameters',
      status: 200,
      method: 'GET',
      path: '/gradcafe/api/applicants',
      query: { limit: '3', offset: '3', status: 'Accepted' },
    },
    {
      shows: 'invalid query parameters, 400',
      status: 400,
      method: 'GET',
      path: '/gradcafe/api/applicants',
      query: { limit: ['abc', '5'], term: "Fall 2026'; drop table gradcafe.applicants;--" },
    },
  ],
  'gradcafe-feed-entries': [
    {
      shows: 'the feed emulator',
      status: 200,
      method: 'GET',
      path: '/gradcafe/feed/entries',
      query: { limit: '2' },
    },
  ],
  'gradcafe-feed-release': [
    {
      shows: 'a base64 JSON body',
      asAdmin: true,
      status: 200,
      method: 'POST',
      path: '/gradcafe/feed/release',
      headers: JSON_HEADERS,
      body: '{"count":2}',
      base64: true,
      // Releasing is cumulative: the second call shows two more entries.
      secondBody: (body) => {
        const { released, latestId } = JSON.parse(body) as { released: number; latestId: number };
        return JSON.stringify({ released: released + 2, latestId: latestId + 2 });
      },
    },
  ],
  'gradcafe-pull-data': [
    {
      shows: 'an API call: 202 and a job',
      asAdmin: true,
      status: 202,
      method: 'POST',
      path: '/gradcafe/pull-data',
      headers: JSON_HEADERS,
      body: '{}',
    },
    {
      shows: 'a browser form post: 303, a flash cookie',
      asAdmin: true,
      status: 303,
      method: 'POST',
      path: '/gradcafe/pull-data',
      headers: { 'content-type': FORM, accept: 'text/html' },
      body: '',
      base64: true,
    },
  ],
  'gradcafe-update-analysis': [
    {
      shows: 'an API call: 202 and a job',
      asAdmin: true,
      status: 202,
      method: 'POST',
      path: '/gradcafe/update-analysis',
      headers: JSON_HEADERS,
      body: '{}',
    },
    {
      shows: 'an unsupported body type, 415',
      asAdmin: true,
      status: 415,
      method: 'POST',
      path: '/gradcafe/update-analysis',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b',
    },
  ],
};

/** Ids, timestamps, session tokens and CSRF tokens differ between two runs of the same request; nothing else may. */
function normalized(text: string): string {
  return text
    .replace(/sid=[^;]+/g, 'sid=<session>')
    .replace(/csrf=[^;]+/g, 'csrf=<csrf>')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="<csrf>"')
    .replace(/x-csrf-token&quot;:&quot;[^&]*&quot;/g, 'x-csrf-token&quot;:&quot;<csrf>&quot;')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?/g, '<time>');
}

/** The parts of an answer a client relies on. */
function comparable(answer: HttpAnswer) {
  const { headers } = answer;
  return {
    status: answer.status,
    contentType: headers['content-type'],
    location: headers['location'],
    cacheControl: headers['cache-control'],
    correlationId: headers['x-correlation-id'],
    cookies: answer.cookies.map(normalized),
    body: normalized(answer.body.toString('utf8')),
  };
}

let stack: LambdaStack;
const bundles = sharedBundles();
let runner: HttpApp;
let adminToken: string;
let adminId: string;
let taskId: string;

beforeAll(async () => {
  stack = await createLambdaStack({ GRADCAFE_EMULATOR_RELEASE_S: '0' });
  await runSeeds(stack.testDb.db, testLog, stack.platform.config);
  // What the seeds announced goes to the queues now, as a relay would: the runner and the bundles
  // then see the same (empty) outbox.
  await outboxRelayFor(stack.platform).drain();
  const { user: admin } = await stack.platform.auth.users.ensureAdmin({
    email: 'lambda-admin@example.com',
    password: 'lambda-admin-password',
  });
  adminToken = (await stack.platform.auth.tokens.issue(admin)).access_token;
  adminId = admin.id;
  runner = createHttpApp({
    manifest: stack.manifest,
    makeCtx: stack.platform.httpCtx,
    log: testLog,
    metrics: stack.platform.metrics,
    auth: stack.platform.auth,
    config: stack.platform.config,
  });
  const created = await runner.request('/notes/api/tasks', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ title: 'a task the samples read' }),
  });
  taskId = ((await created.json()) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('HTTP bundles answer like the local runner', () => {
  it('has a sample request for every HTTP function', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(stack.manifest.http.map((entry) => entry.id).sort());
  });

  for (const [id, samples] of Object.entries(SAMPLES)) {
    it(`${id}: ${samples.map((s) => s.shows).join('; ')}`, async () => {
      // One correlation id per request, sent to both, so bodies that echo it can be compared.
      const requests = samples.map((sample) => ({
        ...sample,
        path: withIds(sample.path),
        ...(sample.body !== undefined ? { body: withIds(String(sample.body)) } : {}),
        headers: {
          ...sample.headers,
          ...(sample.asAdmin ? { authorization: `Bearer ${adminToken}` } : {}),
          'x-correlation-id': `parity-${randomUUID()}`,
        },
      }));
      const local: HttpAnswer[] = [];
      for (const request of requests)
        local.push(await answerOfResponse(await runner.fetch(toRequest(request))));

      const run = await invoke(bundles.bundle(id), requests.map(httpEvent), stack.env);
      const remote = resultsOf<HttpResult>(run).map(answerOfLambda);

      const expected = local.map((answer, index) => {
        const { secondBody } = samples[index]!;
        return secondBody
          ? { ...answer, body: Buffer.from(secondBody(answer.body.toString('utf8'))) }
          : answer;
      });
      expect(local.map((answer) => answer.status)).toEqual(samples.map((sample) => sample.status));
      expect(remote.map(comparable)).toEqual(expected.map(comparable));
    });
  }
});

describe('HTTP bundles: event sources and warm invocations', () => {
  it('sends what a request committed to the outbox before its invocation ends', async () => {
    const gallery = 'catalog.apply-product-event';
    const before = await stack.platform.driver.depth(gallery);
    const request = {
      method: 'POST',
      path: '/catalog-admin/api/products',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ title: 'Sent at once', image: 'https://example.com/sent.png' }),
    };
    const run = await invoke(
      bundles.bundle('catalog-admin-api-create-product'),
      [httpEvent(request)],
      stack.env,
    );
    const [answer] = resultsOf<HttpResult>(run).map(answerOfLambda);
    expect(answer!.status).toBe(201);
    const { id } = JSON.parse(answer!.body.toString('utf8')) as { id: number };
    const { rows } = await stack.testDb.db.query<{ sent: boolean }>(
      `select sent_at is not null as sent from outbox where envelope->'payload'->>'productId' = $1`,
      [String(id)],
    );
    // Sent by the invocation itself, not left for the sweeper.
    expect(rows).toEqual([{ sent: true }]);
    expect((await stack.platform.driver.depth(gallery)).ready).toBe(before.ready + 1);
  });

  it('answers a Lambda function URL event like an API Gateway one', async () => {
    const request = {
      method: 'GET',
      path: '/gradcafe/api/analysis',
      headers: { 'x-correlation-id': 'url-1' },
    };
    const run = await invoke(
      bundles.bundle('gradcafe-api-analysis'),
      [httpEvent(request), functionUrlEvent(request)],
      stack.env,
    );
    const [viaApi, viaUrl] = resultsOf<HttpResult>(run).map(answerOfLambda).map(comparable);
    expect(viaUrl).toEqual(viaApi);
    expect(viaUrl!.status).toBe(200);
  });

  it('ignores a body on a GET event (API Gateway forwards one) and answers like the runner', async () => {
    const headers = { 'x-correlation-id': 'get-with-a-body' };
    const request = { method: 'GET' as const, path: '/gradcafe/api/analysis', headers };
    const local = await answerOfResponse(
      await runner.fetch(toRequest({ ...request, shows: 'a read', status: 200 })),
    );
    const run = await invoke(
      bundles.bundle('gradcafe-api-analysis'),
      [httpEvent({ ...request, body: '{"ignored":true}' }), restApiEvent({ ...request, body: 'ignored' })],
      stack.env,
    );
    for (const answer of resultsOf<HttpResult>(run).map(answerOfLambda)) {
      expect(comparable(answer)).toEqual(comparable(local));
      expect(answer.headers['x-correlation-id']).toEqual(expect.any(String));
    }
  });

  it('keeps the stage of a REST API (v1) event in the redirects it answers', async () => {
    const run = await invoke(
      bundles.bundle('notes-page'),
      [
        restApiEvent({ method: 'GET', path: '/notes/', headers: { accept: 'text/html' }, stage: 'prod' }),
        httpEvent({ method: 'GET', path: '/notes/', headers: { accept: 'text/html' } }),
      ],
      stack.env,
    );
    const [viaStage, viaHttpApi] = resultsOf<HttpResult>(run).map(answerOfLambda);
    expect(viaStage!.status).toBe(303);
    expect(viaStage!.headers.location).toBe('/prod/auth/login?next=%2Fnotes%2F');
    expect(viaHttpApi!.headers.location).toBe('/auth/login?next=%2Fnotes%2F');
  });

  it('keeps nothing of one invocation in the next: correlation ids and request ids are per invocation', async () => {
    const request = { method: 'GET', path: '/gradcafe/api/analysis' };
    const events = [httpEvent(request), httpEvent(request)];
    const run = await invoke(bundles.bundle('gradcafe-api-analysis'), events, stack.env);
    const [first, second] = resultsOf<HttpResult>(run).map(answerOfLambda);
    expect(first!.status).toBe(200);
    expect(second!.status).toBe(200);
    expect(first!.headers['x-correlation-id']).not.toEqual(second!.headers['x-correlation-id']);

    // Each access log line carries the request id of its own invocation, and only that one.
    const [firstId, secondId] = run.invocations.map((invocation) => invocation.requestId);
    const accessLines = run.logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { awsRequestId?: string; correlationId?: string });
    const requestIdsOf = (correlationId: string | undefined) =>
      accessLines.filter((line) => line.correlationId === correlationId).map((line) => line.awsRequestId);
    expect(requestIdsOf(first!.headers['x-correlation-id'])).toEqual([firstId]);
    expect(requestIdsOf(second!.headers['x-correlation-id'])).toEqual([secondId]);
  });
});

function withIds(text: string): string {
  return text.replaceAll('{task}', taskId).replaceAll('{admin}', adminId);
}

function toRequest(sample: Sample & { headers: Record<string, string> }): Request {
  const url = new URL(`http://localhost${sample.path}`);
  for (const [name, value] of Object.entries(sample.query ?? {})) {
    for (const one of [value].flat()) url.searchParams.append(name, one);
  }
  // API Gateway terminates TLS and says so in X-Forwarded-Proto, as a proxy in front of the runner would.
  const headers = new Headers({ 'x-forwarded-proto': 'https', ...sample.headers });
  if (sample.cookies) headers.set('cookie', sample.cookies.join('; '));
  const body = sample.method === 'GET' ? undefined : (sample.body ?? '');
  return new Request(url, { method: sample.method, headers, ...(body !== undefined ? { body } : {}) });
}
