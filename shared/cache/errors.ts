import { AppError } from '../errors.ts';

/**
 * The cache backend does not answer. Only `check()` (readiness) throws it: reads fall back
 * to the source instead, so no request ever fails with it.
 */
export class CacheUnavailableError extends AppError {
  readonly code = 'CACHE_UNAVAILABLE';
  readonly status = 503;
}
