/**
 * `npm run infra:sam`: write infra/sam/template.yaml, the AWS SAM template of every function,
 * derived from the manifest (scripts/lambda/sam/template.ts). A test fails when it no longer
 * matches the functions. `--check` only compares and exits 1 when the file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config.ts';
import { loadMigrations } from '../shared/db/migrate.ts';
import { loadManifest } from '../shared/runtime/manifest.ts';
import { renderSamTemplate } from './lambda/sam/render.ts';
import { samTemplate } from './lambda/sam/template.ts';

export const SAM_TEMPLATE_FILE = fileURLToPath(new URL('../infra/sam/template.yaml', import.meta.url));

/** The file's text for the functions in functions/. */
export async function samTemplateText(): Promise<string> {
  return renderSamTemplate(samTemplate(await loadManifest(), loadConfig({}), await loadMigrations()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await samTemplateText();
  if (process.argv.includes('--check')) {
    const current = await readFile(SAM_TEMPLATE_FILE, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`${SAM_TEMPLATE_FILE} is stale: run npm run infra:sam`);
      process.exit(1);
    }
  } else {
    await writeFile(SAM_TEMPLATE_FILE, text);
    console.log(`wrote ${SAM_TEMPLATE_FILE}`);
  }
}
