import type { Child } from 'hono/jsx';
import type { AuthUser, FlashMessage } from '../../../shared/contract/index.ts';
import { inlineStyle, Layout } from '../../../shared/http/views/index.ts';
import notes from '../app.ts';
import { notesCss } from './styles.ts';

// Registered at load, so its hash is in the CSP of every answer (shared/http/views/inline-style.tsx).
const NotesStyles = inlineStyle(notesCss);

export interface NotesLayoutProps {
  title: string;
  user: AuthUser;
  csrfToken: string;
  flash?: readonly FlashMessage[];
  children?: Child;
}

/**
 * The shell of the Notes pages: the platform's Layout (the user's email and sign-out form in the
 * header, the CSRF header for htmx on the body) plus the app's few extra styles.
 *
 * @example
 *   <NotesLayout title="Notes" user={req.user} csrfToken={await req.csrfToken()} flash={req.flash}>...</NotesLayout>
 */
export function NotesLayout({ title, user, csrfToken, flash = [], children }: NotesLayoutProps) {
  return (
    <Layout title={title} flash={flash} current={notes.url()} viewer={{ user, csrfToken }}>
      {/* Layout takes no page styles; a style element in the body works in every browser. */}
      <NotesStyles />
      {children}
    </Layout>
  );
}
