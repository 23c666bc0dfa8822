import * as z from 'zod';
import { redirect } from '../../../shared/contract/index.ts';
import { AppError, ServiceBusyError, TooManyRequestsError } from '../../../shared/errors.ts';

/** The sign-in and registration forms. Lenient: a wrong email format is the same "no" as a wrong password. */
export const credentialsForm = z.object({
  email: z.string().trim().max(320),
  password: z.string().max(1024),
  next: z.string().max(2000).optional(),
});

/** Back to the form with the reason as a flash, keeping what was typed (never the password). */
export function backToForm(
  form: '/auth/login' | '/auth/register',
  input: { email: string; next: string },
  err: unknown,
) {
  const busy = err instanceof ServiceBusyError;
  if (!(err instanceof AppError) || (err.status >= 500 && !busy)) throw err;
  const query = new URLSearchParams({ next: input.next, email: input.email });
  return redirect(`${form}?${query}`, { flash: { type: 'error', message: messageFor(err, form) } });
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
