import { configKeys } from '../config.ts';
import type { AppModule } from '../contract/app.ts';
import { importAppFiles } from './app-files.ts';
import { APP_MODULE_FILE, functionsDir, ManifestError } from './manifest.ts';

/**
 * Every app module, `functions/<app>/app.ts` (default export of defineApp), in name order. Found
 * at run time like the seeds, so the platform never imports an app: the runner passes these to
 * loadConfig (every app's settings checked at start), the banner and the doc generator. A
 * Lambda bundle holds one function and reads its app's settings through that app's module.
 *
 * @example
 *   const apps = await loadApps();
 *   const config = loadConfig(process.env, apps);
 */
export async function loadApps(dir: string = functionsDir): Promise<AppModule[]> {
  const found = await importAppFiles<{ default?: Partial<AppModule> }>(APP_MODULE_FILE, { dir });
  const apps = found.map(({ app, module }) =>
    appModuleOf(module.default, `functions/${app}/${APP_MODULE_FILE}`, app),
  );
  assertDistinctSettings(apps);
  return apps;
}

function appModuleOf(candidate: Partial<AppModule> | undefined, file: string, folder: string): AppModule {
  if (candidate?.type !== 'app') throw new ManifestError(`${file}: default export must be defineApp()`);
  if (candidate.name !== folder) {
    throw new ManifestError(`${file}: defineApp name '${candidate.name}' must be its folder's, '${folder}'`);
  }
  return candidate as AppModule;
}

/** A variable read by two owners would be documented twice and could mean two things. */
function assertDistinctSettings(apps: readonly AppModule[]): void {
  const owners = new Map<string, string>(configKeys.map((key) => [key, 'the platform (shared/config.ts)']));
  for (const app of apps) {
    for (const key of Object.keys(app.schema.shape)) {
      const owner = owners.get(key);
      if (owner)
        throw new ManifestError(
          `functions/${app.name}/${APP_MODULE_FILE}: ${key} is already read by ${owner}`,
        );
      owners.set(key, `the ${app.name} app`);
    }
  }
}
