/**
 * The import boundaries of eslint.config.js, through ESLint's own API: a rule that stopped
 * matching (a regex typo, a block shadowed by a later one) would pass `eslint .` silently, so
 * each boundary is shown to refuse what it must and to let through what apps legitimately use.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({ cwd: ROOT });

/** The boundary errors of `code` as if it were the file at `filePath` (relative to the root). */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: `${ROOT}${filePath}` });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('eslint import boundaries', () => {
  it.each([
    [
      'functions/notes/lib/report.ts',
      "import { createRabbitMqDriver } from '../../../shared/queue/rabbitmq/driver.ts';",
    ],
    ['functions/notes/page.tsx', "import { createSqsDriver } from '../../shared/queue/sqs/index.ts';"],
    ['functions/notes/page.tsx', "import { createMemoryDriver } from '../../shared/queue/memory.ts';"],
    ['functions/gradcafe/lib/store.ts', "import { createPgDb } from '../../../shared/db/pg.ts';"],
    ['functions/gradcafe/lib/store.ts', "import type { PgliteDb } from '../../../shared/db/pglite.ts';"],
    ['functions/platform/prune.ts', "import { createRedisStore } from '../../shared/cache/redis.ts';"],
  ])('refuses a driver in an app: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringMatching(/through ctx, never a driver/)]);
  });

  it.each([
    [
      'functions/notes/lib/report-task.ts',
      "import { uuidFromName } from '../../../shared/runtime/uuid-from-name.ts';",
    ],
    ['functions/platform/prune.ts', "import { createSessions } from '../../shared/auth/sessions.ts';"],
    ['functions/platform/readyz.ts', "import { createRuntime } from '../../shared/lambda/runtime.ts';"],
    ['functions/gradcafe/page.tsx', "import { functionRoute } from '../../shared/http/function-route.ts';"],
  ])('refuses platform internals in an app: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringMatching(/Platform internals are not for apps/),
    ]);
  });

  it('lets an app import a port or the config as types only', async () => {
    const file = 'functions/notes/lib/store.ts';
    expect(
      await boundaryErrors(file, "import type { Queryable } from '../../../shared/db/port.ts';"),
    ).toEqual([]);
    expect(await boundaryErrors(file, "import type { Config } from '../../../shared/config.ts';")).toEqual(
      [],
    );
    expect(await boundaryErrors(file, "import { DbError } from '../../../shared/db/port.ts';")).toEqual([
      expect.stringMatching(/types for an app/),
    ]);
    expect(await boundaryErrors(file, "import { loadConfig } from '../../../shared/config.ts';")).toEqual([
      expect.stringMatching(/types for an app/),
    ]);
  });

  it.each([
    ['functions/notes/page.tsx', "import { source } from '../gradcafe/lib/source.ts';"],
    ['functions/notes/lib/stats.ts', "import { source } from '../../gradcafe/lib/source.ts';"],
    ['functions/gradcafe/page.tsx', "import { PasswordPage } from '../platform/views/password-page.tsx';"],
    [
      'functions/platform/healthz.ts',
      "import { reportPanel } from '../../functions/notes/report-panel.tsx';",
    ],
  ])('refuses another app: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringMatching(/Apps do not import each other/),
    ]);
  });

  it('refuses scripts and tests in an app', async () => {
    expect(
      await boundaryErrors('functions/notes/page.tsx', "import { x } from '../../scripts/seed.ts';"),
    ).toEqual([expect.stringMatching(/does not import scripts or tests/)]);
  });

  it('lets an app import the contract, views, leaf helpers and its own files', async () => {
    const code = [
      "import { defineHttp, json } from '../../../shared/contract/index.ts';",
      "import { pageQueryFields } from '../../../shared/contract/pagination.ts';",
      "import { Layout } from '../../../shared/http/views/index.ts';",
      "import { NotFoundError } from '../../../shared/errors.ts';",
      "import { describeIssues } from '../../../shared/validation.ts';",
      "import { withTimeout } from '../../../shared/timeout.ts';",
      "import { computeReport } from './reports.ts';",
      "import { ItemView } from '../views/item.tsx';",
      "import { settings } from '../../notes/lib/settings.ts';",
      "import * as z from 'zod';",
    ].join('\n');
    expect(await boundaryErrors('functions/notes/lib/report-task.ts', code)).toEqual([]);
  });

  it.each([
    ['shared/runtime/seeds.ts', "import { seed } from '../../functions/notes/lib/seed.ts';"],
    ['shared/contract/index.ts', "export { default } from '../../functions/platform/healthz.ts';"],
    ['scripts/seed.ts', "import { seed } from '../functions/gradcafe/lib/seed.ts';"],
    ['scripts/lambda/build/entries.ts', "import page from '../../../functions/gradcafe/page.tsx';"],
  ])('refuses an app in platform code and scripts: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringMatching(/does not import an app/)]);
  });

  it('lets the bundled-data generator use the GradCafe entry generator', async () => {
    const code = "import { entryFor } from '../functions/gradcafe/lib/entry-generator.ts';";
    expect(await boundaryErrors('scripts/generate-gradcafe-data.ts', code)).toEqual([]);
  });
});
