import * as z from 'zod';
import { AppError, ServiceBusyError, TooManyRequestsError } from '../../../shared/errors.ts';

/** The sign-in and registration forms. Lenient: a wrong email format is the same "no" as a wrong password. */
export const credentialsForm = z.object({
  email: z.string().trim().max(320),
  password: z.string().max(1024),
  next: z.string().max(2000).optional(),
});

/** Why a form post was refused, to show the form again: the status to answer with and what to say. */
export interface Refusal {
  status: number;
  message: string;
  /** For a 429 or 503: when to try again (also sent as Retry-After). */
  retryAfterSeconds?: number;
}

/**
 * The refusal to show for `err`; a server fault (other than shedding load) is not the visitor's to
 * fix and is rethrown to the error handler.
 */
export function refusalOf(form: '/auth/login' | '/auth/register', err: unknown): Refusal {
  const busy = err instanceof ServiceBusyError;
  if (!(err instanceof AppError) || (err.status >= 500 && !busy)) throw err;
  const wait =
    err instanceof TooManyRequestsError || busy ? { retryAfterSeconds: err.retryAfterSeconds } : {};
  return { status: err.status, message: messageFor(err, form), ...wait };
}

function messageFor(err: AppError, form: '/auth/login' | '/auth/register'): string {
  if (err instanceof TooManyRequestsError) {
    const what = form === '/auth/login' ? 'Too many failed sign-ins' : 'Too many sign-ups from here';
    return `${what}. Try again in ${waitText(err.retryAfterSeconds)}.`;
  }
  if (err instanceof ServiceBusyError)
    return `The server is busy. Try again in ${waitText(err.retryAfterSeconds)}.`;
  if (err.status === 401) return 'Invalid email or password.';
  return err.message.charAt(0).toUpperCase() + err.message.slice(1);
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
