import * as z from 'zod';
import { redirect } from '../../../shared/contract/index.ts';
import { AppError, TooManyRequestsError } from '../../../shared/errors.ts';

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
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const query = new URLSearchParams({ next: input.next, email: input.email });
  return redirect(`${form}?${query}`, { flash: { type: 'error', message: messageFor(err) } });
}

function messageFor(err: AppError): string {
  if (err instanceof TooManyRequestsError) {
    const minutes = Math.max(1, Math.ceil(err.retryAfterSeconds / 60));
    return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (err.status === 401) return 'Invalid email or password.';
  return err.message.charAt(0).toUpperCase() + err.message.slice(1);
}
