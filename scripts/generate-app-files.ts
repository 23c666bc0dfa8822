/**
 * `npm run apps:generate`: write the files derived from the settings schemas (shared/config.ts and
 * every functions/<app>/app.ts): `.env.example`, the README's settings tables and the navigation
 * bar's list (shared/http/views/app-nav.ts). Adding an app, or a setting, is a change to its schema
 * plus this command; tests fail while a file is stale. `--check` only compares and exits 1 when one is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { loadApps } from '../shared/runtime/apps.ts';
import { APP_NAV_FILE, renderAppNav } from './lib/app-files/app-nav.ts';
import { ENV_EXAMPLE_FILE, renderEnvExample } from './lib/app-files/env-example.ts';
import { README_FILE, renderSettingsTables, replaceSettingsTables } from './lib/app-files/readme-table.ts';
import { settingGroups } from './lib/app-files/settings.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface GeneratedFile {
  /** Relative to the project root. */
  file: string;
  text: string;
}

/**
 * What each generated file should hold now, formatted as the project formats it.
 *
 * @example
 *   for (const { file, text } of await appFiles()) await writeFile(path.join(PROJECT_ROOT, file), text);
 */
export async function appFiles(): Promise<GeneratedFile[]> {
  const apps = await loadApps();
  const groups = settingGroups(apps);
  const readme = await readFile(path.join(PROJECT_ROOT, README_FILE), 'utf8');
  return [
    { file: ENV_EXAMPLE_FILE, text: renderEnvExample(groups) },
    {
      file: README_FILE,
      text: await formatted(README_FILE, replaceSettingsTables(readme, renderSettingsTables(groups))),
    },
    { file: APP_NAV_FILE, text: await formatted(APP_NAV_FILE, renderAppNav(apps)) },
  ];
}

/** The files whose committed text differs from what appFiles() makes. */
export async function staleAppFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const { file, text } of await appFiles()) {
    const current = await readFile(path.join(PROJECT_ROOT, file), 'utf8').catch(() => '');
    if (current !== text) stale.push(file);
  }
  return stale;
}

async function formatted(file: string, text: string): Promise<string> {
  const filepath = path.join(PROJECT_ROOT, file);
  const options = await prettier.resolveConfig(filepath);
  return prettier.format(text, { ...options, filepath });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = await staleAppFiles();
    if (stale.length > 0) {
      console.error(`stale: ${stale.join(', ')}: run npm run apps:generate`);
      process.exit(1);
    }
  } else {
    for (const { file, text } of await appFiles()) {
      const target = path.join(PROJECT_ROOT, file);
      const current = await readFile(target, 'utf8').catch(() => '');
      if (current !== text) await writeFile(target, text);
      console.log(`${file}: ${current === text ? 'up to date' : 'written'}`);
    }
  }
}
