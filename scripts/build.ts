/**
 * `npm run build`: one esbuild bundle and one zip per function, in dist/lambda/, then a size
 * table. `npm run build -- gradcafe-page platform-healthz` builds only those; `--analyze` also
 * prints what takes the room in each bundle (esbuild's metafile analysis).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeMetafile, type Metafile } from 'esbuild';
import { buildLambdas } from './lambda/build/build-lambdas.ts';

export { buildLambdas, type LambdaBuild, type BuildLambdasOptions } from './lambda/build/build-lambdas.ts';
export { buildHelloBaseline } from './lambda/build/hello-baseline.ts';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { analyze: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  try {
    const builds = await buildLambdas({
      only: positionals.length > 0 ? positionals : undefined,
      log: (line) => console.log(line),
    });
    if (values.analyze) {
      for (const build of builds) {
        const metafile = JSON.parse(await readFile(path.join(build.dir, 'meta.json'), 'utf8')) as Metafile;
        console.log(`\n${build.id}${await analyzeMetafile(metafile)}`);
      }
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
