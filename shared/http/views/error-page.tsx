import { Layout } from './layout.tsx';

/** What a browser is shown for an error: the status, what happened, and a way on. */
export interface ErrorPageProps {
  status: number;
  message: string;
  /** Quoted for support on a 5xx (the log line carries it too). */
  correlationId?: string | undefined;
}

const TITLES: Record<number, string> = {
  400: 'That request could not be understood',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed here',
  413: 'Too large',
  429: 'Too many requests',
  503: 'Please try again shortly',
};

/**
 * The error page of the platform layout, for a browser that reached an error directly (a broken
 * link, a stale bookmark, a server fault): the JSON an API client gets would be a wall of text.
 *
 * @example
 *   html(<ErrorPage status={404} message="No route for GET /nope" />, 404);
 */
export function ErrorPage({ status, message, correlationId }: ErrorPageProps) {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work');
  return (
    <Layout title={title}>
      <section class="card" aria-labelledby="error-title">
        <h1 id="error-title">{title}</h1>
        <p>{message}</p>
        {correlationId && <p class="muted small">Reference for support: {correlationId}</p>}
        <p>
          <a href="/">Home</a>
          {status === 401 && (
            <>
              {' · '}
              <a href="/auth/login">Sign in</a>
            </>
          )}
        </p>
      </section>
    </Layout>
  );
}
