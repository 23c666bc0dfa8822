import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { describe, expect, inject, it } from 'vitest';
import { budgetKbOf } from '../../scripts/lambda/build/budgets.ts';
import { OPTIONAL_NEVER_LOADED } from '../../scripts/lambda/build/bundle.ts';
import { SYNTHETIC_IDS } from '../../scripts/lambda/build/entries.ts';
import { loadManifest } from '../../shared/runtime/manifest.ts';

// Built once for the run, outside the repo, with only @aws-sdk beside them (tests/setup/lambda-bundles.ts).
const { root, project: builds } = inject('lambdaBundles');

describe('Lambda bundles', () => {
  it('are built for every function of the manifest plus the synthetic ones', async () => {
    const manifest = await loadManifest();
    const ids = [...manifest.http, ...manifest.tasks, ...manifest.schedules].map((entry) => entry.id);
    expect(builds.map((build) => build.id).sort()).toEqual([...ids, ...SYNTHETIC_IDS].sort());
  });

  it('count their entry module in what loads at start, not only the chunks it imports', async () => {
    const short = [];
    for (const build of builds) {
      const entryBytes = (await stat(path.join(build.dir, 'index.mjs'))).size;
      if (build.loadBytes < entryBytes) short.push(`${build.id}: ${build.loadBytes} < ${entryBytes}`);
    }
    expect(short).toEqual([]);
  });

  it('stay within their size budget (scripts/lambda/build/budgets.ts)', () => {
    const over = builds.flatMap((build) => {
      const budget = budgetKbOf(build);
      if (budget === undefined) return [`${build.id}: no budget`];
      const kb = build.loadBytes / 1024;
      return kb > budget ? [`${build.id}: ${kb.toFixed(1)} KB > ${budget} KB`] : [];
    });
    expect(over).toEqual([]);
  });

  it('import nothing but Node built-ins and what the Lambda runtime provides (@aws-sdk/*)', async () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const provided = (specifier: string) =>
      builtins.has(specifier) ||
      specifier.startsWith('@aws-sdk/') ||
      OPTIONAL_NEVER_LOADED.includes(specifier);
    const found: string[] = [];
    for (const build of builds) {
      const metafile = JSON.parse(await readFile(path.join(build.dir, 'meta.json'), 'utf8')) as Metafile;
      for (const output of Object.values(metafile.outputs)) {
        for (const imported of output.imports) {
          if (imported.external && !provided(imported.path)) found.push(`${build.id}: ${imported.path}`);
        }
      }
    }
    expect([...new Set(found)]).toEqual([]);
  });

  it('load in a plain Node process with only the AWS SDK installed beside them', async () => {
    // What Lambda's nodejs24.x runtime offers: the SDK v3 on the resolution path, nothing else.
    const urls = builds.map((build) => pathToFileURL(path.join(build.dir, 'index.mjs')).href);
    const script = `for (const url of ${JSON.stringify(urls)}) console.log(typeof (await import(url)).handler);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    });
    expect(stdout.trim().split('\n')).toEqual(builds.map(() => 'function'));
  });
});
