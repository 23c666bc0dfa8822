import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppGauge } from '../observability/app-gauges.ts';
import { functionsDir } from './manifest.ts';

/** The gauges of `apps`: the `gauges` export of `functions/<app>/lib/metrics.ts`, where there is one. */
export async function loadAppGauges(
  apps: ReadonlySet<string>,
  dir: string = functionsDir,
): Promise<AppGauge[]> {
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && apps.has(d.name))
    .map((d) => d.name);
  const found: AppGauge[] = [];
  for (const app of folders.sort()) {
    const file = path.join(dir, app, 'lib', 'metrics.ts');
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const module = (await import(pathToFileURL(file).href)) as { gauges?: AppGauge[] };
    found.push(...(module.gauges ?? []));
  }
  return found;
}
