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

/** The platform's sections, in the order a full run takes them: a new one is one line here. */
const PLATFORM_SECTIONS: readonly BenchSection[] = [pipeline, peer, enqueue, sqsPipeline, outbox];

/** An app keeps its own benchmark beside its code; found at run time, as the manifest finds functions. */
const APP_SECTION = path.join('bench', 'section.ts');

/**
 * Every section: the platform's, then each app's (`functions/<app>/bench/section.ts`, which
 * default-exports a section), then cold start, whose in-process build would otherwise set the
 * bench process's memory high-water mark before the others run.
 */
export async function loadSections(): Promise<BenchSection[]> {
  const apps = (await readdir(functionsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(functionsDir, entry.name, APP_SECTION))
    .sort();
  const appSections: BenchSection[] = [];
  for (const file of apps) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists)
      appSections.push(((await import(pathToFileURL(file).href)) as { default: BenchSection }).default);
  }
  return [...PLATFORM_SECTIONS, ...appSections, coldStart];
}
