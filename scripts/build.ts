/**
 * `npm run build`: one esbuild bundle and one zip per function, in dist/lambda/, then a size
 * table; a full build also brings infra/sam/template.yaml up to date (as `npm run infra:sam`),
 * so what is deployed and what describes it come from one command. `npm run build -- gradcafe-page platform-healthz` builds only those; `--analyze` also
 * prints what takes the room in each bundle (esbuild's metafile analysis).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeMetafile, type Metafile } from 'esbuild';
import { SAM_TEMPLATE_FILE, samTemplateText } from './generate-sam-template.ts';
import { buildLambdas } from './lambda/build/build-lambdas.ts';

export { buildLambdas, type LambdaBuild, type BuildLambdasOptions } from './lambda/build/build-lambdas.ts';
export { buildBaselines } from './lambda/build/baselines.ts';

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
    if (positionals.length === 0) {
      const template = await samTemplateText();
      const current = await readFile(SAM_TEMPLATE_FILE, 'utf8').catch(() => '');
      if (current !== template) await writeFile(SAM_TEMPLATE_FILE, template);
      const where = path.relative(process.cwd(), SAM_TEMPLATE_FILE);
      console.log(`${where}: ${current === template ? 'up to date' : 'rewritten from the manifest'}`);
    }
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
