import { appUrl } from '../../../shared/contract/index.ts';

/**
 * Where to send a browser after signing in: the `next` it came with when that is a path of this
 * site, else the default. Anything else (`//evil.example`, `https://…`, `/\evil`) would turn the
 * login form into an open redirect. The default is the Notes dashboard, named (appUrl) rather than
 * taken from the Notes module: an app never imports another, nor its settings into its bundles.
 *
 * @example
 *   nextPath('/notes/?page=2'); // '/notes/?page=2'
 *   nextPath('//evil.example'); // '/notes/'
 */
export const AFTER_SIGN_IN = appUrl('notes');

export function nextPath(next: string | undefined, fallback: string = AFTER_SIGN_IN): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  // Only printable ASCII: control characters (a header split, a tab some browsers drop) and raw
  // non-ASCII (which a Location header cannot carry; browsers send it percent-encoded anyway).
  return /^[\x21-\x7e]+$/.test(next) ? next : fallback;
}
