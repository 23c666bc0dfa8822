import { describe, expect, it } from 'vitest';
import { HomePage } from '../../functions/platform/views/home-page.tsx';
import type { SystemInfo } from '../../shared/contract/index.ts';
import { APP_LISTINGS } from '../../shared/http/views/index.ts';

/** The home page: every app, what runs, and how a first-time user signs in. */
const system: SystemInfo = {
  version: '1.2.3',
  queueDriver: 'memory',
  database: 'embedded PGlite in /srv/data/pg',
  dataDir: '/srv/data',
  firstAdminEmail: 'admin@example.com',
};
const render = (props: Partial<Parameters<typeof HomePage>[0]> = {}) =>
  String(
    <HomePage
      system={system}
      viewer={{ user: undefined, csrfToken: undefined, path: '/' }}
      flash={[]}
      {...props}
    />,
  );

describe('the home page', () => {
  it('links every app with what it does', () => {
    const page = render();
    expect(APP_LISTINGS.length).toBeGreaterThanOrEqual(6);
    for (const app of APP_LISTINGS) {
      expect(page).toContain(`href="${app.href}"`);
      expect(page).toContain(app.title);
    }
    expect(page).toContain('href="/catalog-admin/"');
  });

  it('says what is running', () => {
    const page = render();
    expect(page).toContain('1.2.3');
    expect(page).toContain('in-process (memory)');
    expect(page).toContain('embedded PGlite in /srv/data/pg');
    expect(page).toContain('/srv/data');
    const onServers = render({
      system: { ...system, queueDriver: 'rabbitmq', dataDir: undefined, firstAdminEmail: undefined },
    });
    expect(onServers).toContain('RabbitMQ');
    expect(onServers).not.toContain('Data folder');
  });

  it('tells a first-time visitor how to sign in, naming the first admin only on a local demo', () => {
    const page = render();
    expect(page).toContain('href="/auth/login?next=%2F"');
    expect(page).toContain('href="/auth/register"');
    expect(page).toContain('admin@example.com');
    expect(render({ system: { ...system, firstAdminEmail: undefined } })).not.toContain('admin@example.com');
  });

  it('shows the operator routes to admins only', () => {
    const user = { id: 'u', email: 'u@example.com', role: 'user' as const, authVersion: 1 };
    expect(render({ viewer: { user, csrfToken: 't' } })).not.toContain('href="/queues"');
    const admin = { ...user, role: 'admin' as const };
    const page = render({ viewer: { user: admin, csrfToken: 't' } });
    expect(page).toContain('href="/queues"');
    expect(page).toContain('Signed in');
    expect(page).not.toContain('First time here');
  });
});
