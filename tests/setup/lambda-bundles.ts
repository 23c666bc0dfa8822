/**
 * Vitest global setup of the `lambda` project: every Lambda bundle is built once per run, not once
 * per test file (a full build takes ~25 s on a busy 2-core machine; four files used to pay it).
 *
 * The bundles go outside the repo, with nothing but `@aws-sdk` linked beside them: what Lambda's
 * nodejs24.x runtime offers. A bundle that reached for anything else from node_modules fails here
 * as it would on AWS. Test files read the builds with `inject('lambdaBundles')` (tests/helpers/lambda.ts).
 *
 * Only projects with a selected test file run their global setup, so `vitest run tests/unit/x.test.ts`
 * builds nothing.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildLambdas, type LambdaBuild } from '../../scripts/build.ts';
import { PROJECT_ROOT } from '../../scripts/lambda/build/bundle.ts';

/** The fixture app whose tasks the task-bundle tests deploy besides the real ones. */
export const FIXTURE_FUNCTIONS = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'lambda-app', 'functions');

export interface SharedBundles {
  /** Folder holding `lambda/` (the project's bundles), `fixture/` and `node_modules/@aws-sdk`. */
  root: string;
  project: LambdaBuild[];
  fixture: LambdaBuild[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    lambdaBundles: SharedBundles;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fnstack-lambda-'));
  await mkdir(path.join(root, 'node_modules'));
  await symlink(
    path.join(PROJECT_ROOT, 'node_modules', '@aws-sdk'),
    path.join(root, 'node_modules', '@aws-sdk'),
  );
  const [built, fixture] = await Promise.all([
    buildLambdas({ outDir: path.join(root, 'lambda') }),
    buildLambdas({ outDir: path.join(root, 'fixture'), functionsDir: FIXTURE_FUNCTIONS }),
  ]);
  project.provide('lambdaBundles', { root, project: built, fixture });
  return () => rm(root, { recursive: true, force: true });
}
