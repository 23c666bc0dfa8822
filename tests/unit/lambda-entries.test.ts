import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineHttp, defineSchedule, defineTask, json } from '../../shared/contract/index.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import {
  ADAPTER_MODULES,
  assetsEntrySource,
  deploymentOf,
  functionEntries,
  functionEntrySource,
  migrateEntrySource,
} from '../../scripts/lambda/build/entries.ts';
import { PROJECT_ROOT } from '../../scripts/lambda/build/bundle.ts';

const page = defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Page',
  auth: 'public',
  handler: () => json({}),
});
const scrape = defineTask({ consumes: 'scrape', payload: z.object({}), handler: async () => undefined });
const recompute = defineTask({
  consumes: ['recompute'],
  payload: z.object({}),
  handler: async () => undefined,
});
const tick = defineSchedule({ cron: '*/5 * * * *', publishes: 'scrape' });

const manifest = buildManifest([
  { file: 'functions/shop/page.tsx', module: { default: page } },
  { file: 'functions/shop/scrape.ts', module: { default: scrape } },
  { file: 'functions/shop/recompute.ts', module: { default: recompute } },
  { file: 'functions/shop/tick.ts', module: { default: tick } },
]);

/** What the entry handed to its adapter factory; `definition` is the path the entry imported. */
interface Call {
  factory: string;
  args: unknown[];
}

/**
 * Run a generated entry for real: esbuild compiles it (so it must be valid TypeScript), with
 * the adapters replaced by factories that return their arguments and each function file by a
 * module that exports its own path. The entry's `handler` is then exactly what it passed in.
 */
async function runEntry(source: string): Promise<Call> {
  const stubs: Plugin = {
    name: 'stubs',
    setup(b) {
      b.onResolve({ filter: /^\.\/(shared|functions)\// }, (args) => ({
        path: args.path,
        namespace: 'stub',
      }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => {
        if (args.path.startsWith('./shared/lambda/')) {
          const factories = [
            'httpHandler',
            'taskHandler',
            'scheduleHandler',
            'migrateHandler',
            'assetsHandler',
          ];
          return {
            contents: factories
              .map((name) => `export const ${name} = (...args) => ({ factory: '${name}', args });`)
              .join('\n'),
            loader: 'js',
          };
        }
        return { contents: `export default { importedFrom: ${JSON.stringify(args.path)} };`, loader: 'js' };
      });
    },
  };
  const result = await build({
    stdin: { contents: source, resolveDir: PROJECT_ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'entry',
    plugins: [stubs],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return (new Function(`${code}; return entry.handler;`) as () => Call)();
}

describe('function entries', () => {
  const deployment = deploymentOf(manifest);

  it('carries the topology of every task queue of the manifest', () => {
    expect(deployment.topology.queues.map((q) => [q.name, q.kinds])).toEqual([
      ['shop.scrape', ['scrape']],
      ['shop.recompute', ['recompute']],
    ]);
  });

  it('wraps an HTTP function in httpHandler with its entry and the deployment inlined', async () => {
    const call = await runEntry(functionEntrySource(manifest.http[0]!, deployment));
    expect(call.factory).toBe('httpHandler');
    expect(call.args).toEqual([
      {
        id: 'shop-page',
        app: 'shop',
        name: 'page',
        file: 'functions/shop/page.tsx',
        definition: { importedFrom: './functions/shop/page.tsx' },
      },
      deployment,
    ]);
  });

  it('wraps a task in taskHandler and a schedule in scheduleHandler', async () => {
    const task = await runEntry(functionEntrySource(manifest.tasks[1]!, deployment));
    expect(task.factory).toBe('taskHandler');
    expect(task.args[0]).toMatchObject({
      id: 'shop-recompute',
      definition: { importedFrom: './functions/shop/recompute.ts' },
    });

    const schedule = await runEntry(functionEntrySource(manifest.schedules[0]!, deployment));
    expect(schedule.factory).toBe('scheduleHandler');
    expect(schedule.args[0]).toMatchObject({ id: 'shop-tick', file: 'functions/shop/tick.ts' });
    expect(schedule.args[1]).toEqual(deployment);
  });

  it('gives one entry per function, with its kind', () => {
    const entries = functionEntries(manifest).map(({ id, kind }) => ({ id, kind }));
    expect(entries).toEqual([
      { id: 'shop-page', kind: 'http' },
      { id: 'shop-scrape', kind: 'task' },
      { id: 'shop-recompute', kind: 'task' },
      { id: 'shop-tick', kind: 'schedule' },
    ]);
  });

  it('refuses a function whose id belongs to a generated bundle', () => {
    const clashing = buildManifest([{ file: 'functions/platform/assets.ts', module: { default: page } }]);
    expect(() => functionEntries(clashing)).toThrow(/platform-assets.*reserved/);
  });
});

describe('synthetic entries', () => {
  it('inlines the migrations verbatim, whatever characters the SQL holds', async () => {
    const migrations = [
      {
        name: '0001_a.sql',
        sql: "CREATE TABLE t (v text DEFAULT 'it''s');\n-- `${not a template}` \\ </script>",
      },
      { name: '0002_b.sql', sql: 'SELECT 1; -- line\u2028separator' },
    ];
    const call = await runEntry(migrateEntrySource(migrations));
    expect(call).toEqual({ factory: 'migrateHandler', args: [migrations] });
  });

  it('inlines the OpenAPI document and the embedded files', async () => {
    const assets = {
      openapi: { openapi: '3.1.0', paths: { '/x': {} } },
      files: {
        'htmx.org/dist/htmx.min.js': { contentType: 'text/javascript; charset=utf-8', base64: 'aGk=' },
      },
    };
    const call = await runEntry(assetsEntrySource(assets));
    expect(call).toEqual({ factory: 'assetsHandler', args: [assets] });
  });
});

describe('adapter modules', () => {
  it('each entry imports its factory from a module that exports the same function as the barrel', async () => {
    const barrel = (await import('../../shared/lambda/index.ts')) as Record<string, unknown>;
    for (const [factory, file] of Object.entries(ADAPTER_MODULES)) {
      const module = (await import(pathToFileURL(path.join(PROJECT_ROOT, file)).href)) as Record<
        string,
        unknown
      >;
      expect(module[factory], `${file} exports ${factory}`).toBeTypeOf('function');
      expect(module[factory]).toBe(barrel[factory]);
    }
  });
});
