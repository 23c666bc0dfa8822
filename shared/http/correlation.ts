import { randomUUID } from 'node:crypto';

/**
 * A caller may pass its own correlation id so one id follows a request across systems. It is
 * echoed in headers and written to logs, so only short, plain tokens are accepted: anything
 * else (too long, spaces, quotes, newlines) is replaced by a fresh uuid rather than trusted.
 */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const CORRELATION_HEADER = 'x-correlation-id';
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * @example
 *   correlationIdFrom(new Headers({ 'x-correlation-id': 'abc-1' })); // 'abc-1'
 *   correlationIdFrom(new Headers()); // a new uuid
 */
export function correlationIdFrom(headers: Headers): string {
  const given = headers.get(CORRELATION_HEADER) ?? headers.get(REQUEST_ID_HEADER);
  return given !== null && SANE_ID.test(given) ? given : randomUUID();
}
