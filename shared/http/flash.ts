import * as z from 'zod';
import type { FlashMessage } from '../contract/http.ts';

/**
 * Flash messages ride in a short-lived cookie from a redirect to the next page view, which
 * consumes them. The cookie holds only display text and is rendered escaped.
 */
export const FLASH_COOKIE = 'flash';

const flashList = z
  .array(z.object({ type: z.enum(['success', 'error', 'info']), message: z.string().max(500) }))
  .max(5);

// Clearing must repeat the attributes that set the cookie, or the browser keeps the old one.
const COOKIE_ATTRIBUTES = 'Path=/; HttpOnly; SameSite=Lax';

/** `Set-Cookie` value that hands `messages` to the next page view (they live at most a minute). */
export function flashSetCookie(messages: FlashMessage[]): string {
  return `${FLASH_COOKIE}=${encodeFlash(messages)}; ${COOKIE_ATTRIBUTES}; Max-Age=60`;
}

/** `Set-Cookie` value that removes the flash cookie once its messages were shown. */
export const CLEAR_FLASH_SET_COOKIE = `${FLASH_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`;

/** True when a response already sets (or clears) the flash cookie itself. */
export function setsFlashCookie(headers: Headers): boolean {
  return headers.getSetCookie().some((cookie) => cookie.startsWith(`${FLASH_COOKIE}=`));
}

export function encodeFlash(messages: FlashMessage[]): string {
  return Buffer.from(JSON.stringify(messages)).toString('base64url');
}

/** Decode a flash cookie value; anything unreadable yields no messages. */
export function decodeFlash(value: string | undefined): FlashMessage[] {
  if (!value) return [];
  try {
    const parsed = flashList.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
