import { z } from 'zod';
import type { FlashMessage } from '../contract/http.ts';

/**
 * Flash messages ride in a short-lived cookie from a redirect to the next page view, which
 * consumes them. The cookie holds only display text and is rendered escaped.
 */
export const FLASH_COOKIE = 'flash';

const flashList = z
  .array(z.object({ type: z.enum(['success', 'error', 'info']), message: z.string().max(500) }))
  .max(5);

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
