import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionsDir } from '../../shared/runtime/manifest.ts';
import coldStart from './cold-start-section.ts';
import enqueue from './enqueue.ts';
import outbox from './outbox.ts';
import peer from './peer/section.ts';
import pipeline from './pipeline.ts';
import type { BenchSection } from './section.ts';
import sqsPipeline from './sqs-pipeline.ts';

/**
 * Every section in the order a full run takes them: the platform's, then each app's
 * (`functions/<app>/bench/section.ts`, found as the manifest finds functions), then cold start,
 * whose in-process build would otherwise set the bench's memory high-water mark before the others.
 */
export async function loadSections(): Promise<BenchSection[]> {
  const appSections: BenchSection[] = [];
  const apps = (await readdir(functionsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
  for (const app of apps.map((entry) => entry.name).sort()) {
    const file = path.join(functionsDir, app, 'bench', 'section.ts');
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists)
      appSections.push(((await import(pathToFileURL(file).href)) as { default: BenchSection }).default);
  }
  return [pipeline, peer, enqueue, sqsPipeline, outbox, ...appSections, coldStart];
}
