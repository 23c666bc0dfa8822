import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import gradcafe from '../../functions/gradcafe/app.ts';
import notes from '../../functions/notes/app.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { appUrl, cronSetting, defineApp } from '../../shared/contract/index.ts';
import { loadApps } from '../../shared/runtime/apps.ts';
import { loadManifest } from '../../shared/runtime/manifest.ts';

const shop = defineApp({
  name: 'shop',
  title: 'Shop',
  description: 'A shop.',
  config: z.object({
    SHOP_PAGE_SIZE: z.coerce.number().int().min(1).default(20).describe('Items per page.'),
    SHOP_FEED_URL: z.string().url().optional().describe('Where the items come from.'),
  }),
  nav: [
    { label: 'Shop', path: '/' },
    { label: 'Basket', path: '/basket' },
  ],
});

describe('defineApp', () => {
  it('mounts the app at /<name> and makes its links from there', () => {
    expect(shop.mount).toBe('/shop');
    expect(shop.url()).toBe('/shop/');
    expect(shop.url('/items/42?edit=1')).toBe('/shop/items/42?edit=1');
    expect(shop.nav).toEqual([
      { label: 'Shop', href: '/shop/' },
      { label: 'Basket', href: '/shop/basket' },
    ]);
  });

  it('makes the same links as appUrl, which names an app without importing it', () => {
    expect(appUrl('shop', '/basket')).toBe(shop.url('/basket'));
    expect(appUrl('notes')).toBe(notes.url());
  });

  it('links its title to its root page unless told otherwise', () => {
    expect(notes.nav).toEqual([{ label: 'Notes', href: '/notes/' }]);
    expect(
      defineApp({
        name: 'quiet',
        title: 'Quiet',
        description: 'Says nothing.',
        config: z.object({}),
        nav: [],
      }).nav,
    ).toEqual([]);
  });

  it('parses its settings from a config, an empty value meaning unset', () => {
    const config = loadConfig({ SHOP_PAGE_SIZE: '50', SHOP_FEED_URL: '' });
    expect(shop.config(config)).toEqual({ SHOP_PAGE_SIZE: 50 });
    expect(shop.config({ env: {} })).toEqual({ SHOP_PAGE_SIZE: 20 });
  });

  it('reads process.env by default and notices when its variables change', () => {
    process.env.SHOP_PAGE_SIZE = '7';
    try {
      expect(shop.config().SHOP_PAGE_SIZE).toBe(7);
      process.env.SHOP_PAGE_SIZE = '8';
      expect(shop.config().SHOP_PAGE_SIZE).toBe(8);
    } finally {
      delete process.env.SHOP_PAGE_SIZE;
    }
  });

  it('parses once for the same variables', () => {
    const config = loadConfig({ SHOP_PAGE_SIZE: '5' });
    expect(shop.config(config)).toBe(shop.config({ env: { SHOP_PAGE_SIZE: '5', UNRELATED: 'x' } }));
  });

  it('refuses a bad value with a ConfigError naming the app and the variable', () => {
    const read = () => shop.config({ env: { SHOP_PAGE_SIZE: 'many' } });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/^Invalid shop configuration: SHOP_PAGE_SIZE: /);
  });

  it.each([
    [{ name: 'Shop' }, /not an app name/],
    [{ name: 'platform' }, /not an app name/],
    [{ config: z.object({ PAGE_SIZE: z.string().describe('x') }) }, /PAGE_SIZE must start with SHOP_/],
    [{ config: z.object({ SHOP_PAGE_SIZE: z.string() }) }, /SHOP_PAGE_SIZE needs a \.describe\(\)/],
  ])('refuses a declaration with %j', (override, message) => {
    expect(() =>
      defineApp({ name: 'shop', title: 'Shop', description: 'Sells.', config: z.object({}), ...override }),
    ).toThrow(message);
  });
});

describe('cronSetting', () => {
  const schema = z.object({ CRON: cronSetting('*/15 * * * *') });

  it.each(['0 3 * * *', '0 0 3 * * *', '0 9 * * MON-FRI', '@daily', 'off', ' 5 4 * * 0 '])(
    'accepts %j',
    (cron) => {
      expect(schema.safeParse({ CRON: cron }).success).toBe(true);
    },
  );

  it.each(['*/15 * * *', '0 0 * * * * * *', '0 3 * * * !', 'every hour'])('refuses %j', (cron) => {
    expect(schema.safeParse({ CRON: cron }).success).toBe(false);
  });

  it('defaults when unset', () => {
    expect(schema.parse({})).toEqual({ CRON: '*/15 * * * *' });
  });
});

describe('loadApps', () => {
  it('finds every app module under functions/, in name order', async () => {
    const apps = await loadApps();
    expect(apps.map((app) => app.name)).toEqual([
      'catalog',
      'catalog-admin',
      'gradcafe',
      'imports',
      'notes',
      'people',
    ]);
    expect(apps).toContain(gradcafe);
  });

  describe('on a fixture functions/ folder', () => {
    let dir: string;
    const contract = fileURLToPath(new URL('../../shared/contract/index.ts', import.meta.url));
    const appModule = (name: string, key: string) =>
      `import * as z from 'zod';\nimport { defineApp } from ${JSON.stringify(contract)};\n` +
      `export default defineApp({ name: '${name}', title: 'T', description: 'D.', config: z.object({ ${key}: z.string().optional().describe('d') }) });\n`;
    const writeApp = async (folder: string, text: string) => {
      await mkdir(path.join(dir, folder), { recursive: true });
      await writeFile(path.join(dir, folder, 'app.ts'), text);
    };

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'fnstack-apps-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('skips folders without app.ts and refuses an app named after another folder', async () => {
      await mkdir(path.join(dir, 'platform'), { recursive: true });
      await writeApp('alpha', appModule('alpha', 'ALPHA_URL'));
      expect((await loadApps(dir)).map((app) => app.name)).toEqual(['alpha']);
      await writeApp('beta', appModule('gamma', 'GAMMA_URL'));
      await expect(loadApps(dir)).rejects.toThrow(/functions\/beta\/app\.ts: defineApp name 'gamma'/);
    });

    it('refuses an app variable the platform already reads', async () => {
      await rm(path.join(dir, 'beta'), { recursive: true });
      // The prefix rule keeps apps apart; an app named like a platform prefix could still collide.
      await writeApp('session', appModule('session', 'SESSION_IDLE_S'));
      await expect(loadApps(dir)).rejects.toThrow(/SESSION_IDLE_S is already read by the platform/);
    });
  });
});

describe('loadConfig with the apps', () => {
  it('checks every app it is given, as the runner does at start', async () => {
    const apps = await loadApps();
    expect(() => loadConfig({ GRADCAFE_PULL_CRON: '*/15 * * *x' }, apps)).toThrow(
      /^Invalid gradcafe configuration: GRADCAFE_PULL_CRON: expected a cron expression/,
    );
    expect(() => loadConfig({ NOTES_REPORT_MAX_ATTEMPTS: '0' }, apps)).toThrow(
      /^Invalid notes configuration: NOTES_REPORT_MAX_ATTEMPTS/,
    );
    // Without them (a Lambda function) only the platform is checked; the app reads its own on use.
    expect(() => loadConfig({ GRADCAFE_PULL_CRON: 'x' })).not.toThrow();
  });

  it('keeps the variables it read, empty ones dropped, for the apps to parse', () => {
    expect(loadConfig({ GRADCAFE_PULL_CRON: 'off', GRADCAFE_SOURCE_URL: '' }).env).toEqual({
      GRADCAFE_PULL_CRON: 'off',
    });
  });
});

describe('the manifest', () => {
  it('does not take an app module for a function', async () => {
    const manifest = await loadManifest();
    const files = [...manifest.http, ...manifest.tasks, ...manifest.schedules].map((entry) => entry.file);
    expect(files).toContain('functions/gradcafe/pull-schedule.ts');
    expect(files.filter((file) => file.endsWith('/app.ts'))).toEqual([]);
  });
});
