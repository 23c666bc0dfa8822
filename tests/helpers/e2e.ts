import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the e2e journeys leave a screenshot of every page they visit (kept by CI as an artefact). */
export const SCREENSHOT_DIR = path.resolve('artifacts/e2e');

/**
 * A page that records what a person would notice went wrong: console errors and requests that
 * failed (a blocked script, a refused connection, a 404 asset is a console error too).
 *
 * @example
 *   const { page, problems } = await watchedPage(browser);
 *   ...
 *   expect(problems).toEqual([]);
 */
export function watch(page: Page, problems: string[]): Page {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  return page;
}

/** A full-page screenshot named after the step (`console-job-page`), for whoever reads the CI run. */
export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
