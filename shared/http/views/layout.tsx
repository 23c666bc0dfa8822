import type { Child } from 'hono/jsx';
import type { FlashMessage } from '../../contract/http.ts';
import { DRAFTS_PATH } from '../drafts.ts';
import { APP_NAV } from './app-nav.ts';
import { FlashMessages } from './flash-messages.tsx';
import { inlineStyle } from './inline-style.tsx';
import { baseCss } from './styles.ts';
import { htmxCsrfHeaders, SignOutForm, signInHref, type PageViewer } from './viewer.tsx';

export interface LayoutProps {
  /** Document title; the site name is appended. */
  title: string;
  flash?: readonly FlashMessage[];
  /** The href of this page's entry in the navigation bar (every app's, see app-nav.ts), marked current. */
  current?: string;
  /** Who is signed in: the header shows them (and a sign-out form), htmx gets the CSRF header. */
  viewer?: PageViewer;
  children?: Child;
}

export const SITE_NAME = 'fnstack';

const BaseStyles = inlineStyle(baseCss);

/**
 * htmx under our Content-Security-Policy: no evaluated code (`hx-on`, `js:` values, trigger
 * filters) and no style element of its own (the indicator rules are in baseCss).
 */
export const HTMX_CONFIG = JSON.stringify({ allowEval: false, includeIndicatorStyles: false });

/**
 * The shared page shell: header with every app's link, flash messages, main content. Loads htmx
 * from `/static/htmx.min.js` (served by the platform, no CDN) and the inlined stylesheet (allowed by
 * its hash in the Content-Security-Policy, see inline-style.tsx).
 *
 * @example
 *   return html(
 *     <Layout title="GradCafe" flash={req.flash} current={gradcafe.url()}>
 *       <h1>Hello</h1>
 *     </Layout>,
 *   );
 */
export function Layout({ title, flash = [], current, viewer, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${SITE_NAME}`}</title>
        {/* The CSP has no 'unsafe-eval' and no inline styles but hashed ones: htmx must not need them. */}
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <BaseStyles />
        <script src="/static/htmx.min.js" defer></script>
        <script src={DRAFTS_PATH} defer></script>
      </head>
      <body hx-headers={htmxCsrfHeaders(viewer?.csrfToken)}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="inner">
            <a class="brand" href="/">
              {SITE_NAME}
            </a>
            <nav aria-label="Main">
              {navFor(viewer).map((link) => (
                <a href={link.href} aria-current={link.href === current ? 'page' : undefined}>
                  {link.label}
                </a>
              ))}
            </nav>
            <Account viewer={viewer} />
          </div>
        </header>
        <main id="main">
          <FlashMessages messages={flash} />
          {children}
        </main>
      </body>
    </html>
  );
}

/** The operator console, in the navigation bar of admins only. */
export const CONSOLE_LINK = { label: 'Console', href: '/console' } as const;

/** Every app's links, and the console's for an admin. */
function navFor(viewer: PageViewer | undefined) {
  return viewer?.user?.role === 'admin' ? [...APP_NAV, CONSOLE_LINK] : APP_NAV;
}

/**
 * Signed in: the email and a sign-out button (a POST with the CSRF token). Else a sign-in link.
 * Either way the sign-in page comes back to this page afterwards.
 */
function Account({ viewer }: { viewer: PageViewer | undefined }) {
  if (!viewer) return null;
  if (!viewer.user) {
    return (
      <div class="account">
        <a href={signInHref(viewer.path)}>Sign in</a>
      </div>
    );
  }
  return (
    <div class="account">
      <a class="muted" href="/auth/password" title="Your account: password, sign out everywhere">
        {viewer.user.email}
      </a>
      <SignOutForm csrfToken={viewer.csrfToken} next={viewer.path} label="Sign out" />
    </div>
  );
}
