import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { standIns } from './stand-ins.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Lets bundled CommonJS dependencies (pg, pino) call `require` and read `__dirname` inside ESM. */
export const ESM_BANNER =
  "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; " +
  "import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); " +
  'const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);';

/**
 * Optional add-ons of bundled libraries that our code never reaches, so never installed: pg's
 * native binding (pg only tries it when asked for `pg.native`) and the hash @redis/client imports
 * for its DIGEST command alone.
 */
export const OPTIONAL_NEVER_LOADED = ['pg-native', '@node-rs/xxhash'];

/**
 * Left out of every bundle: the nodejs24.x runtime provides AWS SDK v3 (and locally, resolution
 * walks up to the repo's node_modules); the optional add-ons above; the embedded database, never
 * used on Lambda.
 */
export const EXTERNAL = ['@aws-sdk/*', ...OPTIONAL_NEVER_LOADED, '@electric-sql/pglite'];

/**
 * One set of esbuild options for every bundle (and the bench's hello baseline). NODE_ENV is not
 * defined here on purpose: the config reads it at run time.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  // Minifying renames classes; errors name themselves from `new.target.name` and logs print it.
  keepNames: true,
  treeShaking: true,
  // 'linked': an external .map file plus the sourceMappingURL comment that --enable-source-maps
  // follows. Without sourcesContent: stack traces need only the mappings, and a smaller map
  // parses faster at cold start.
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  external: EXTERNAL,
  banner: { js: ESM_BANNER },
  // Errors fail the build; warnings (a dynamic require esbuild cannot follow) are worth seeing.
  logLevel: 'warning',
} satisfies BuildOptions;

/** An entry module given as source; its imports are resolved from the project root. */
export interface EntrySource {
  id: string;
  source: string;
}

export interface BundleOutput {
  id: string;
  /** The bundle's folder: index.mjs, chunks/, their maps and meta.json (the metafile, not shipped). */
  dir: string;
  /** Size of the bundle's JavaScript: index.mjs plus its chunks. */
  bytes: number;
  /**
   * What a cold start loads: index.mjs and the chunks it imports statically. Chunks reached only
   * by a dynamic `import()` (the SQS driver, the Redis client, COPY) load on first use.
   */
  loadBytes: number;
}

const NAMESPACE = 'lambda-entry';

/**
 * Bundle each entry on its own into `<outDir>/<id>/index.mjs`, one esbuild build per entry
 * with code splitting. Splitting is what keeps cold starts short: code reached only through a
 * dynamic `import()` (the SQS driver and the AWS SDK it imports) goes to a chunk that loads on
 * first use, so an HTTP function that never publishes never loads the SDK. Without splitting,
 * esbuild hoists the SDK's import to the top of index.mjs (~70 ms of every cold start).
 *
 * @example
 *   const [healthz] = await bundleEntries([{ id: 'platform-healthz', source }], 'dist/lambda');
 */
export async function bundleEntries(
  entries: readonly EntrySource[],
  outDir: string,
): Promise<BundleOutput[]> {
  const sources = new Map(entries.map((entry) => [entry.id, entry.source]));
  return Promise.all(
    entries.map(async ({ id }) => {
      const dir = path.join(outDir, id);
      const result = await build({
        ...BUNDLE_OPTIONS,
        absWorkingDir: PROJECT_ROOT,
        entryPoints: [{ in: `${NAMESPACE}:${id}`, out: 'index' }],
        outdir: dir,
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        outExtension: { '.js': '.mjs' },
        plugins: [virtualEntries(sources), standIns()],
      });
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'meta.json'), JSON.stringify(result.metafile));
      const bytes = Object.entries(result.metafile.outputs)
        .filter(([file]) => file.endsWith('.mjs'))
        .reduce((sum, [, output]) => sum + output.bytes, 0);
      return { id, dir, bytes, loadBytes: bytesLoadedAtStart(result.metafile, `${NAMESPACE}:${id}`) };
    }),
  );
}

/** Serves `lambda-entry:<id>` from memory, as if it were a file in the project root. */
function virtualEntries(sources: Map<string, string>): Plugin {
  return {
    name: 'lambda-entries',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({
        path: args.path.slice(NAMESPACE.length + 1),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: sources.get(args.path),
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      }));
    },
  };
}

/**
 * The entry output plus every chunk reachable from it through static imports. The entry is found
 * by its entry point's name: a module behind a dynamic `import()` is an entry point of its own.
 */
function bytesLoadedAtStart(metafile: Metafile, entryPoint: string): number {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]!.entryPoint === entryPoint);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const imported of outputs[file].imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  if (entry) visit(entry);
  return [...seen].reduce((sum, file) => sum + outputs[file]!.bytes, 0);
}
