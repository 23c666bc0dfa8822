import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadMigrations } from '../../../shared/db/migrate.ts';
import { DEFAULT_API_INFO } from '../../../shared/http/app.ts';
import { buildOpenApi } from '../../../shared/http/openapi.ts';
import { EMBEDDED_PACKAGE_FILES } from '../../../shared/lambda/assets.ts';
import { loadManifest, type Manifest } from '../../../shared/runtime/manifest.ts';
import { bundleEntries, PROJECT_ROOT, type BundleOutput } from './bundle.ts';
import {
  ASSETS_ID,
  assetsEntrySource,
  deploymentOf,
  functionEntries,
  MIGRATE_ID,
  OUTBOX_SWEEP_ID,
  outboxSweepEntrySource,
  SYNTHETIC_IDS,
  migrateEntrySource,
  type BundleEntry,
  type BundleKind,
} from './entries.ts';
import { readEmbeddedFiles } from './embedded-files.ts';
import { formatSizeTable } from './size-table.ts';
import { reproducibleZip } from './zip.ts';

export const DEFAULT_OUT_DIR = path.join(PROJECT_ROOT, 'dist', 'lambda');

export interface BuildLambdasOptions {
  /** Where bundles go (default dist/lambda): `<outDir>/<id>/index.mjs` and `<outDir>/<id>.zip`. */
  outDir?: string;
  /** Build only these function ids (default: every function plus the synthetic bundles). */
  only?: string[];
  /** Progress and the size table; silent without it. */
  log?: (line: string) => void;
  /** Where the functions are (default: the project's functions/); tests build fixture apps. */
  functionsDir?: string;
}

export interface LambdaBuild {
  id: string;
  kind: BundleKind;
  /** Folder holding index.mjs, index.mjs.map and meta.json. */
  dir: string;
  zip: string;
  /** Size of the bundle's JavaScript (index.mjs and its chunks). */
  bytes: number;
  /** What a cold start loads (see BundleOutput.loadBytes); the size budgets apply to it. */
  loadBytes: number;
  zipBytes: number;
}

/**
 * Bundle every function on its own (plus `platform-migrate` and `platform-assets`), and zip each bundle for upload. A full build first empties outDir, so a deleted function
 * leaves no stale bundle behind.
 *
 * @example
 *   const builds = await buildLambdas({ outDir: tmp, only: ['platform-healthz'] });
 *   const { handler } = await import(path.join(builds[0].dir, 'index.mjs'));
 */
export async function buildLambdas(options: BuildLambdasOptions = {}): Promise<LambdaBuild[]> {
  const { outDir = DEFAULT_OUT_DIR, only, log, functionsDir } = options;
  const started = performance.now();
  const manifest = functionsDir
    ? relativeToProject(await loadManifest(functionsDir), functionsDir)
    : await loadManifest();
  const entries = await selectEntries(manifest, only);

  if (only) {
    await Promise.all(only.map((id) => rm(path.join(outDir, id), { recursive: true, force: true })));
  } else {
    await rm(outDir, { recursive: true, force: true });
  }
  const bundles = await bundleEntries(entries, outDir);
  const kinds = new Map(entries.map((entry) => [entry.id, entry.kind]));
  const builds = await Promise.all(bundles.map((bundle) => zipBundle(bundle, kinds.get(bundle.id)!, outDir)));

  log?.(formatSizeTable(builds, performance.now() - started));
  return builds.sort((a, b) => a.id.localeCompare(b.id));
}

/** `<outDir>/<id>.zip` with index.mjs (and its chunks and maps) at the root, as `index.handler` expects. */
async function zipBundle(bundle: BundleOutput, kind: BundleKind, outDir: string): Promise<LambdaBuild> {
  const { id, dir, bytes, loadBytes } = bundle;
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name !== 'meta.json')
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  const files = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await readFile(path.join(dir, name))] as const)),
  );
  const archive = reproducibleZip(files);
  const zip = path.join(outDir, `${id}.zip`);
  await writeFile(zip, archive);
  return { id, kind, dir, zip, bytes, loadBytes, zipBytes: archive.byteLength };
}

/** Entries import function files relative to the project root; a fixture app lives elsewhere. */
function relativeToProject(manifest: Manifest, functionsDir: string): Manifest {
  const appRoot = path.dirname(path.resolve(functionsDir));
  const relocate = <E extends { file: string }>(entry: E): E => ({
    ...entry,
    file: path.relative(PROJECT_ROOT, path.join(appRoot, entry.file)).split(path.sep).join('/'),
  });
  return {
    http: manifest.http.map(relocate),
    tasks: manifest.tasks.map(relocate),
    schedules: manifest.schedules.map(relocate),
  };
}

/** The entries to build; the synthetic ones read their inlined data only when they are built. */
async function selectEntries(manifest: Manifest, only: string[] | undefined): Promise<BundleEntry[]> {
  const functions = functionEntries(manifest);
  const ids = [...functions.map((entry) => entry.id), ...SYNTHETIC_IDS];
  const unknown = (only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw new Error(`No function with id ${unknown.join(', ')}; known: ${ids.sort().join(', ')}`);
  }
  const wanted = (id: string) => !only || only.includes(id);
  const entries = functions.filter((entry) => wanted(entry.id));
  if (wanted(MIGRATE_ID)) {
    entries.push({ id: MIGRATE_ID, kind: 'synthetic', source: migrateEntrySource(await loadMigrations()) });
  }
  if (wanted(ASSETS_ID)) {
    const openapi = buildOpenApi(manifest, DEFAULT_API_INFO);
    const files = await readEmbeddedFiles(EMBEDDED_PACKAGE_FILES);
    entries.push({ id: ASSETS_ID, kind: 'synthetic', source: assetsEntrySource({ openapi, files }) });
  }
  if (wanted(OUTBOX_SWEEP_ID)) {
    entries.push({
      id: OUTBOX_SWEEP_ID,
      kind: 'synthetic',
      source: outboxSweepEntrySource(deploymentOf(manifest)),
    });
  }
  return entries;
}
