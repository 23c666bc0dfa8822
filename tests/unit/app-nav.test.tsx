import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFiles, PROJECT_ROOT } from '../../scripts/generate-app-files.ts';
import { APP_NAV_FILE } from '../../scripts/lib/app-files/app-nav.ts';
import { APP_NAV } from '../../shared/http/views/app-nav.ts';
import { Layout } from '../../shared/http/views/index.ts';
import { loadApps } from '../../shared/runtime/apps.ts';

/** The navigation bar lists every app, from a list generated from the app modules. */

describe(APP_NAV_FILE, () => {
  it('is what the app modules generate', async () => {
    const fresh = (await appFiles()).find((f) => f.file === APP_NAV_FILE)!.text;
    const current = await readFile(path.join(PROJECT_ROOT, APP_NAV_FILE), 'utf8');
    expect(current, `${APP_NAV_FILE} is stale: run \`npm run apps:generate\``).toBe(fresh);
  });

  it("holds every app's entries, in app order", async () => {
    const apps = await loadApps();
    expect(APP_NAV).toEqual(apps.flatMap((app) => app.nav));
    expect(APP_NAV).toEqual([
      { label: 'Catalog', href: '/catalog/' },
      { label: 'GradCafe', href: '/gradcafe/' },
      { label: 'Imports', href: '/imports/' },
      { label: 'Notes', href: '/notes/' },
      { label: 'People', href: '/people/users/ui' },
    ]);
  });
});

describe('Layout', () => {
  const render = (current?: string) => String(<Layout title="T" current={current} />);
  const links = (page: string) => [
    ...page.matchAll(/<a href="([^"]+)"( aria-current="page")?>([^<]+)<\/a>/g),
  ];

  it('links every app on every page, platform pages included', () => {
    const nav = /<nav aria-label="Main">(.*?)<\/nav>/s.exec(render())?.[1] ?? '';
    expect(links(nav).map(([, href, , label]) => [href, label])).toEqual([
      ['/catalog/', 'Catalog'],
      ['/gradcafe/', 'GradCafe'],
      ['/imports/', 'Imports'],
      ['/notes/', 'Notes'],
      ['/people/users/ui', 'People'],
    ]);
  });

  it("marks the page's own entry, and only that one, as current", () => {
    const current = links(render('/notes/')).filter(([, , mark]) => mark);
    expect(current.map(([, href]) => href)).toEqual(['/notes/']);
    expect(links(render()).filter(([, , mark]) => mark)).toEqual([]);
  });
});
