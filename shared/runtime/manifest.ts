import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { appMount } from '../contract/app.ts';
import type { FunctionDefinition } from '../contract/index.ts';
import type { HttpDefinition } from '../contract/http.ts';
import type { ScheduleDefinition } from '../contract/schedule.ts';
import type { TaskDefinition } from '../contract/task.ts';
import type { QueueSpec, Topology } from '../queue/port.ts';

/**
 * The manifest: every function in `functions/`, derived from the files themselves.
 *
 * Rule: each `functions/<app>/<name>.ts` file is one function and must default-export a
 * definition, except `app.ts`, the app's module (name, settings, navigation: see defineApp);
 * helpers live in subfolders (`functions/<app>/lib/`, `views/`, `data/`) and are not functions.
 * The `platform` app mounts at `/`, every other app at `/<app>` (appMount).
 */
export interface FunctionEntry<D extends FunctionDefinition = FunctionDefinition> {
  /** Unique id, `<app>-<name>`; used for Lambda function names and logs. */
  id: string;
  app: string;
  name: string;
  /** Path relative to the project root, e.g. `functions/gradcafe/pull-data.ts`. */
  file: string;
  definition: D;
}

export interface Manifest {
  http: FunctionEntry<HttpDefinition>[];
  tasks: FunctionEntry<TaskDefinition>[];
  schedules: FunctionEntry<ScheduleDefinition>[];
}

export const functionsDir = fileURLToPath(new URL('../../functions/', import.meta.url));

export class ManifestError extends Error {
  readonly code = 'MANIFEST_INVALID';
}

/** Where an HTTP function is served: `/gradcafe` + `/api/analysis`. */
export function mountPath(entry: Pick<FunctionEntry<HttpDefinition>, 'app' | 'definition'>): string {
  return appMount(entry.app) + entry.definition.path || '/';
}

/** The queue a task function owns: `gradcafe.scrape-new-data`. */
export function queueName(entry: Pick<FunctionEntry, 'app' | 'name'>): string {
  return `${entry.app}.${entry.name}`;
}

export function topologyOf(manifest: Manifest): Topology {
  const queues: QueueSpec[] = manifest.tasks.map((t) => ({
    name: queueName(t),
    kinds: t.definition.consumes,
    concurrency: t.definition.concurrency,
    retry: t.definition.retry,
  }));
  return { queues };
}

/** The file of an app that is its module, not a function (see defineApp). */
export const APP_MODULE_FILE = 'app.ts';

/** Build a manifest from already-imported modules (the Lambda build and tests use this). */
export function buildManifest(modules: { file: string; module: { default?: unknown } }[]): Manifest {
  const manifest: Manifest = { http: [], tasks: [], schedules: [] };
  for (const { file, module } of modules) {
    const match = /(?:^|\/)functions\/([a-z0-9-]+)\/([a-z0-9-]+)\.tsx?$/.exec(file);
    if (!match) throw new ManifestError(`${file}: function files are named functions/<app>/<kebab-name>.ts`);
    const [, app, name] = match as unknown as [string, string, string];
    const definition = module.default as FunctionDefinition | undefined;
    const entry = { id: `${app}-${name}`, app, name, file };
    switch (definition?.type) {
      case 'http':
        manifest.http.push({ ...entry, definition });
        break;
      case 'task':
        manifest.tasks.push({ ...entry, definition });
        break;
      case 'schedule':
        manifest.schedules.push({ ...entry, definition });
        break;
      default:
        throw new ManifestError(
          `${file}: default export must be defineHttp(), defineTask() or defineSchedule()`,
        );
    }
  }
  validate(manifest);
  return manifest;
}

function validate(manifest: Manifest): void {
  const routes = new Map<string, string>();
  for (const h of manifest.http) {
    const key = `${h.definition.method} ${mountPath(h)}`;
    const other = routes.get(key);
    if (other) throw new ManifestError(`${h.file}: route ${key} is already served by ${other}`);
    routes.set(key, h.file);
  }
  const consumed = new Set(manifest.tasks.flatMap((t) => t.definition.consumes));
  for (const s of manifest.schedules) {
    if (!consumed.has(s.definition.publishes)) {
      throw new ManifestError(`${s.file}: publishes '${s.definition.publishes}' but no task consumes it`);
    }
  }
}

/** Scan `functions/` and import every function file. */
export async function loadManifest(dir: string = functionsDir): Promise<Manifest> {
  const root = path.dirname(path.resolve(dir));
  const apps = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory());
  const modules: { file: string; module: { default?: unknown } }[] = [];
  for (const app of apps.sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(path.join(dir, app.name), { withFileTypes: true }))
      .filter((f) => f.isFile() && isFunctionFile(f.name))
      .map((f) => f.name)
      .sort();
    for (const name of files) {
      const absolute = path.join(dir, app.name, name);
      const module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
      modules.push({ file: path.relative(root, absolute).split(path.sep).join('/'), module });
    }
  }
  return buildManifest(modules);
}

/**
 * Whether a file directly in `functions/<app>/` is a function: `pull-data.ts`, `page.tsx`; not the
 * app module (`app.ts`), not a test.
 *
 * @example
 *   isFunctionFile('app.ts'); // false
 */
export function isFunctionFile(name: string): boolean {
  return /\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name) && name !== APP_MODULE_FILE;
}
