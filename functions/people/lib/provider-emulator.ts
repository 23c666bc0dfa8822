import type { Queryable } from '../../../shared/db/port.ts';
import { EMULATED_PEOPLE, personFor } from './people-generator.ts';

/**
 * A local stand-in for the provider (DummyJSON's users API), so the sync works with nothing
 * configured, and a way to make it misbehave: each request takes the oldest queued fault
 * (people.provider_faults, shared by every process) and answers with it.
 *
 * It is a `fetch`: the sync calls it in-process (a worker or a Lambda has no web server to ask),
 * and the runner serves the same answers over HTTP at /people/provider/users.
 */

export const FAULTS = [
  'rate_limit', // 429 with Retry-After: 1
  'server_error', // 500
  'unavailable', // 503
  'slow', // no answer until the caller gives up
  'truncated', // a 200 whose JSON is cut in half
  'changed_field', // users whose `id` is now `userId`
  'repeat_page', // the page before this one, again
] as const;
export type Fault = (typeof FAULTS)[number];

export const MAX_PAGE = 100;

export async function queueFaults(db: Queryable, faults: readonly Fault[]): Promise<void> {
  if (faults.length === 0) return;
  await db.query(`insert into people.provider_faults (fault) select unnest($1::text[])`, [faults]);
}

export async function clearFaults(db: Queryable): Promise<number> {
  return (await db.query(`delete from people.provider_faults`)).rowCount;
}

async function nextFault(db: Queryable): Promise<Fault | undefined> {
  const { rows } = await db.query<{ fault: Fault }>(
    `delete from people.provider_faults
      where id = (select id from people.provider_faults order by id limit 1 for update skip locked)
      returning fault`,
  );
  return rows[0]?.fault;
}

/** The emulator as a fetch: `GET <any origin>/users?limit=&skip=` and `GET …/users/<id>`. */
export function emulatorFetch(db: Queryable): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return answer(db, url, init?.signal ?? undefined);
  };
}

/** The emulator's answer to one request. */
export async function answer(db: Queryable, url: URL, signal?: AbortSignal): Promise<Response> {
  const match = /\/users(?:\/(\d+))?\/?$/.exec(url.pathname);
  if (!match) return jsonResponse({ message: `Route ${url.pathname} not found` }, 404);
  const fault = await nextFault(db);
  switch (fault) {
    case 'rate_limit':
      return jsonResponse({ message: 'Too many requests' }, 429, { 'retry-after': '1' });
    case 'server_error':
      return jsonResponse({ message: 'Internal server error' }, 500);
    case 'unavailable':
      return jsonResponse({ message: 'Service unavailable' }, 503);
    case 'slow':
      return hang(signal);
  }
  let body: unknown;
  if (match[1] !== undefined) {
    const id = Number(match[1]);
    if (id < 1 || id > EMULATED_PEOPLE)
      return jsonResponse({ message: `User with id '${id}' not found` }, 404);
    body = fault === 'changed_field' ? renameId(personFor(id)) : personFor(id);
  } else {
    const limit = clamp(url.searchParams.get('limit'), 30, 0, MAX_PAGE);
    const asked = clamp(url.searchParams.get('skip'), 0, 0, EMULATED_PEOPLE);
    const skip = fault === 'repeat_page' ? Math.max(0, asked - limit) : asked;
    const users = [];
    for (let id = skip + 1; id <= Math.min(skip + limit, EMULATED_PEOPLE); id++) users.push(personFor(id));
    body = {
      users: fault === 'changed_field' ? users.map(renameId) : users,
      total: EMULATED_PEOPLE,
      skip: asked,
      limit,
    };
  }
  const text = JSON.stringify(body);
  if (fault === 'truncated') return new Response(text.slice(0, text.length / 2), { headers: JSON_HEADERS });
  return new Response(text, { headers: JSON_HEADERS });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** Answer nothing until the caller aborts (or a minute passes, then a 504). */
function hang(signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(jsonResponse({ message: 'Gateway timeout' }, 504)), 60_000);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

function renameId<T extends { id: number }>({ id, ...rest }: T): Omit<T, 'id'> & { userId: number } {
  return { userId: id, ...rest };
}

function clamp(text: string | null, fallback: number, min: number, max: number): number {
  const value = text === null || text === '' ? fallback : Number(text);
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
