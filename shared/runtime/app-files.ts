import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionsDir } from './manifest.ts';

/**
 * The module at `functions/<app>/<file>` of every app that has one, in app-name order: how the
 * platform finds what an app offers it (its module, seed, metrics) without importing an app.
 *
 * @example
 *   for (const { app, module } of await importAppFiles<{ seed: Seed }>('lib/seed.ts')) await module.seed(db);
 */
export async function importAppFiles<M>(
  file: string,
  options: { apps?: ReadonlySet<string>; dir?: string } = {},
): Promise<{ app: string; module: M }[]> {
  const dir = options.dir ?? functionsDir;
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && (options.apps?.has(d.name) ?? true))
    .map((d) => d.name)
    .sort();
  const found: { app: string; module: M }[] = [];
  for (const app of folders) {
    const full = path.join(dir, app, file);
    const exists = await access(full).then(
      () => true,
      () => false,
    );
    if (exists) found.push({ app, module: (await import(pathToFileURL(full).href)) as M });
  }
  return found;
}
