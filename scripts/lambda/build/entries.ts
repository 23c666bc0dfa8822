import { OUTBOX_SWEEP_FUNCTION_ID } from '../../../shared/lambda/outbox-sweep.ts';
import type { Migration } from '../../../shared/db/migrate.ts';
import type { EmbeddedFile, LambdaDeployment } from '../../../shared/lambda/types.ts';
import { topologyOf, type FunctionEntry, type Manifest } from '../../../shared/runtime/manifest.ts';
import { summarizeDeployment } from '../../../shared/runtime/deployment-summary.ts';
import { loadConfig } from '../../../shared/config.ts';

/**
 * The entry module of each Lambda bundle, generated as source text (esbuild loads it as a
 * virtual module resolved from the project root, see bundle.ts). Each entry imports one function file and wraps it in
 * its adapter, so a bundle holds that function and the platform code it reaches, nothing else.
 * Whatever the adapter needs to know about the deployment is inlined as JSON, never imported.
 *
 * @example
 *   functionEntrySource(manifest.http[0], deploymentOf(manifest));
 *   // import definition from './functions/gradcafe/page.tsx';
 *   // import { httpHandler } from './shared/lambda/http.ts';
 *   // export const handler = httpHandler({ ...{"id":"gradcafe-page",...}, definition }, {"topology":{"queues":[...]}});
 */
export type BundleKind = 'http' | 'task' | 'schedule' | 'synthetic';

export interface BundleEntry {
  id: string;
  kind: BundleKind;
  /** TypeScript source of the entry module; imports are relative to the project root. */
  source: string;
}

/** Applies the embedded migrations; invoked once after each deploy. */
export const MIGRATE_ID = 'platform-migrate';
/** Serves /openapi.json, /docs (+ assets) and htmx, which the per-function bundles leave out. */
export const ASSETS_ID = 'platform-assets';
/** Sends what waits in the outbox, every minute (no relay runs on Lambda). */
export const OUTBOX_SWEEP_ID = OUTBOX_SWEEP_FUNCTION_ID;
export const SYNTHETIC_IDS: readonly string[] = [MIGRATE_ID, ASSETS_ID, OUTBOX_SWEEP_ID];

/**
 * Each factory is imported from its own module, not from the `shared/lambda/index.ts` barrel:
 * esbuild keeps every module a bundle imports (project files are not marked side-effect free),
 * so the barrel would put all adapters and their dependencies in every bundle (+80 KB in
 * platform-migrate, +100 KB in platform-assets, measured). All are exported by the barrel too.
 */
export const ADAPTER_MODULES = {
  httpHandler: './shared/lambda/http.ts',
  taskHandler: './shared/lambda/task.ts',
  scheduleHandler: './shared/lambda/schedule.ts',
  migrateHandler: './shared/lambda/migrate.ts',
  assetsHandler: './shared/lambda/assets.ts',
  outboxSweepHandler: './shared/lambda/outbox-sweep.ts',
} as const;
const FACTORY = { http: 'httpHandler', task: 'taskHandler', schedule: 'scheduleHandler' } as const;

function importAdapter(factory: keyof typeof ADAPTER_MODULES): string {
  return `import { ${factory} } from '${ADAPTER_MODULES[factory]}';`;
}

/** Every task queue of the manifest, so any function can publish any kind without the manifest. */
export function deploymentOf(manifest: Manifest): LambdaDeployment {
  // The crons the template deploys: those of the default settings.
  return { topology: topologyOf(manifest), summary: summarizeDeployment(manifest, loadConfig({})) };
}

export function functionEntrySource(entry: FunctionEntry, deployment: LambdaDeployment): string {
  const factory = FACTORY[entry.definition.type];
  const { id, app, name, file } = entry;
  return lines(
    `import definition from ${JSON.stringify(`./${file}`)};`,
    importAdapter(factory),
    `export const handler = ${factory}({ ...${JSON.stringify({ id, app, name, file })}, definition }, ${JSON.stringify(deployment)});`,
  );
}

/** The SQL is inlined at build time: a bundle never reads `sql/` from disk. */
export function migrateEntrySource(migrations: Migration[]): string {
  return lines(
    importAdapter('migrateHandler'),
    `export const handler = migrateHandler(${JSON.stringify(migrations)});`,
  );
}

export function outboxSweepEntrySource(deployment: LambdaDeployment): string {
  return lines(
    importAdapter('outboxSweepHandler'),
    `export const handler = outboxSweepHandler(${JSON.stringify(deployment)});`,
  );
}

export function assetsEntrySource(assets: { openapi: object; files: Record<string, EmbeddedFile> }): string {
  return lines(
    importAdapter('assetsHandler'),
    `export const handler = assetsHandler(${JSON.stringify(assets)});`,
  );
}

/** One entry per function of the manifest (synthetic bundles are added by the caller). */
export function functionEntries(manifest: Manifest): BundleEntry[] {
  const deployment = deploymentOf(manifest);
  const functions = [...manifest.http, ...manifest.tasks, ...manifest.schedules];
  const clash = functions.find((entry) => SYNTHETIC_IDS.includes(entry.id));
  if (clash) {
    throw new Error(`${clash.file}: the id '${clash.id}' is reserved for a bundle the build generates`);
  }
  return functions.map((entry) => ({
    id: entry.id,
    kind: entry.definition.type,
    source: functionEntrySource(entry, deployment),
  }));
}

function lines(...source: string[]): string {
  return source.join('\n') + '\n';
}
