import type { FlashMessage, SystemInfo } from '../../../shared/contract/index.ts';
import {
  APP_LISTINGS,
  inlineStyle,
  Layout,
  signInHref,
  type PageViewer,
} from '../../../shared/http/views/index.ts';

const HomeStyles = inlineStyle(`
.apps { list-style: none; margin: 0 0 1.25rem; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(17rem, 100%), 1fr)); gap: 1rem; }
.apps li { margin: 0; }
.apps a { display: block; height: 100%; box-sizing: border-box; padding: 1rem 1.1rem; border: 1px solid var(--border); border-radius: 10px; background: var(--surface); color: var(--text); text-decoration: none; }
.apps a:hover { border-color: var(--accent); }
.apps strong { display: block; margin-bottom: .3rem; color: var(--accent); }
.apps span { color: var(--muted); font-size: .9rem; }
.links { margin: 0; padding-left: 1.1rem; }
.links li { margin: .25rem 0; }
`);

const QUEUE_DRIVERS: Record<SystemInfo['queueDriver'], string> = {
  memory: 'in-process (memory): messages live in this process',
  rabbitmq: 'RabbitMQ',
  sqs: 'Amazon SQS',
};

/** The front door: every app, what this process runs on, where the docs are, how to sign in. */
export function HomePage(props: { system: SystemInfo; viewer: PageViewer; flash: readonly FlashMessage[] }) {
  const { system, viewer } = props;
  const admin = viewer.user?.role === 'admin';
  return (
    <Layout title="Home" flash={props.flash} viewer={viewer}>
      <HomeStyles />
      <div class="page-head">
        <h1>fnstack</h1>
        <p class="muted">
          Every page, API route and background task here is a standalone function: the same code runs in this
          runner, in a container and on AWS Lambda.
        </p>
      </div>
      <h2>Apps</h2>
      <ul class="apps">
        {APP_LISTINGS.map((app) => (
          <li>
            <a href={app.href}>
              <strong>{app.title}</strong>
              <span>{app.description}</span>
            </a>
          </li>
        ))}
      </ul>
      <div class="grid-2">
        <SignInCard system={system} viewer={viewer} />
        <section class="card" aria-labelledby="running-title">
          <h2 id="running-title">What is running</h2>
          <dl class="facts">
            <dt>Version</dt>
            <dd>{system.version}</dd>
            <dt>Queue</dt>
            <dd>{QUEUE_DRIVERS[system.queueDriver]}</dd>
            <dt>Database</dt>
            <dd>{system.database}</dd>
            {system.dataDir ? (
              <>
                <dt>Data folder</dt>
                <dd>{system.dataDir}</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>
      <section class="card" aria-labelledby="tools-title">
        <h2 id="tools-title">For developers and operators</h2>
        <ul class="links">
          <li>
            <a href="/docs">API docs</a> (every route, tried from the browser) and{' '}
            <a href="/openapi.json">the OpenAPI document</a>
          </li>
          <li>
            <a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a>: liveness and readiness
          </li>
          {admin ? (
            <li>
              <a href="/queues">/queues</a>: every queue's depth and what waits in the outbox;{' '}
              <a href="/metrics">/metrics</a> for Prometheus
            </li>
          ) : null}
        </ul>
      </section>
    </Layout>
  );
}

function SignInCard({ system, viewer }: { system: SystemInfo; viewer: PageViewer }) {
  if (viewer.user) {
    return (
      <section class="card" aria-labelledby="account-title">
        <h2 id="account-title">Signed in</h2>
        <p>
          As <strong>{viewer.user.email}</strong> ({viewer.user.role === 'admin' ? 'an admin' : 'a user'}).{' '}
          <a href="/auth/password">Your account</a>
        </p>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Signing in</h2>
      <p>
        <a class="btn btn-primary" href={signInHref(viewer.path)}>
          Sign in
        </a>{' '}
        or <a href="/auth/register">create an account</a>: the gallery and the GradCafe analysis are open to
        everyone; Notes, People and likes need an account.
      </p>
      {system.firstAdminEmail ? (
        <p class="small muted">
          First time here? The first start created an admin, <strong>{system.firstAdminEmail}</strong>, and
          printed its password once in the start banner of <code>npm start</code>. Admins also get the job
          buttons, the Catalog admin and the queue routes.
        </p>
      ) : null}
    </section>
  );
}
