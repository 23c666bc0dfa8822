import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineApp } from '../../shared/contract/index.ts';
import { appFiles, PROJECT_ROOT } from '../../scripts/generate-app-files.ts';
import { renderEnvExample } from '../../scripts/lib/app-files/env-example.ts';
import {
  renderSettingsTables,
  replaceSettingsTables,
  TABLE_END,
  TABLE_START,
} from '../../scripts/lib/app-files/readme-table.ts';
import { settingGroups } from '../../scripts/lib/app-files/settings.ts';
import { configKeys } from '../../shared/config.ts';
import { loadApps } from '../../shared/runtime/apps.ts';

/**
 * .env.example and the README's settings tables are generated from the settings schemas
 * (shared/config.ts, functions/<app>/app.ts): the committed files must be what the generator
 * writes, and what it writes must cover every setting.
 */

const generated = await appFiles();
const committed = (file: string) => readFile(path.join(PROJECT_ROOT, file), 'utf8');
const textOf = (file: string) => generated.find((g) => g.file === file)!.text;

/** A later app, declared the way functions/imports/app.ts would be. */
const imports = defineApp({
  name: 'imports',
  title: 'Imports',
  description: 'Imports.',
  config: z.object({
    IMPORTS_INBOX_DIR: z.string().default('.data/inbox').describe('Folder watched for files to import.'),
    IMPORTS_MAX_BYTES: z.coerce.number().int().default(10_485_760).describe('Largest file | accepted.'),
    IMPORTS_CRON: z.string().default('*/5 * * * *').describe('When the inbox is read.'),
    IMPORTS_BUCKET: z
      .string()
      .optional()
      .describe('S3 bucket of the inbox on AWS.')
      .meta({ examples: ['my-inbox'] }),
  }),
});

describe.each(['.env.example', 'README.md'])('%s', (file) => {
  it('is what the settings schemas generate', async () => {
    expect(await committed(file), `${file} is stale: run \`npm run apps:generate\``).toBe(textOf(file));
  });

  it('names every setting of the platform and of every app', async () => {
    const apps = await loadApps();
    const keys = [...configKeys, ...apps.flatMap((app) => Object.keys(app.schema.shape))];
    for (const key of keys) expect(textOf(file), key).toMatch(new RegExp(`\\b${key}\\b`));
  });
});

describe('the settings schemas', () => {
  it("describe every setting, the platform's as well as the apps' (defineApp insists on it)", async () => {
    for (const group of settingGroups(await loadApps())) {
      for (const setting of group.settings) expect(setting.description, setting.key).not.toBe('');
    }
  });
});

describe('the generated .env.example', () => {
  const text = renderEnvExample(settingGroups([imports]));

  it('sets a setting with a default to it, and comments out one without (with its example)', () => {
    expect(text).toContain('# Folder watched for files to import.\nIMPORTS_INBOX_DIR=.data/inbox\n');
    expect(text).toContain("IMPORTS_CRON='*/5 * * * *'\n");
    expect(text).toContain('# S3 bucket of the inbox on AWS.\n# IMPORTS_BUCKET=my-inbox\n');
    expect(text).toMatch(/^# --- App: Imports \(functions\/imports\/app\.ts\) -+$/m);
  });

  it('wraps descriptions as comments of at most 100 characters', () => {
    for (const line of textOf('.env.example').split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('keeps the hand-written notes: how to use the file, compose-only variables', () => {
    expect(text).toMatch(/^# fnstack settings\. `cp \.env\.example \.env`/);
    expect(text).toContain('# COMPOSE_PROFILES=observability');
  });
});

describe('the generated README tables', () => {
  const tables = renderSettingsTables(settingGroups([imports]));

  it('has a table for the platform and one per app, a row per setting', () => {
    expect(tables).toContain('### Platform (`shared/config.ts`)');
    expect(tables).toContain('### Imports (`functions/imports/app.ts`)');
    expect(tables).toContain('| `IMPORTS_MAX_BYTES` | `10485760` | Largest file \\| accepted. |');
    expect(tables).toContain('| `IMPORTS_BUCKET` | unset | S3 bucket of the inbox on AWS. |');
    expect(tables).toContain('| `QUEUE_PREFIX` | empty |');
  });

  it('replaces only what lies between the markers', () => {
    const readme = `# Title\n\nBefore.\n\n${TABLE_START}\n\nold\n\n${TABLE_END}\n\nAfter.\n`;
    expect(replaceSettingsTables(readme, 'new')).toBe(
      `# Title\n\nBefore.\n\n${TABLE_START}\n\nnew\n\n${TABLE_END}\n\nAfter.\n`,
    );
    expect(() => replaceSettingsTables('# Title\n', 'new')).toThrow(/must sit between/);
  });
});
