import type { AppGauge } from '../observability/app-gauges.ts';
import { importAppFiles } from './app-files.ts';

/** The gauges of `apps`: the `gauges` export of `functions/<app>/lib/metrics.ts`, where there is one. */
export async function loadAppGauges(apps: ReadonlySet<string>, dir?: string): Promise<AppGauge[]> {
  const found = await importAppFiles<{ gauges?: AppGauge[] }>('lib/metrics.ts', {
    apps,
    ...(dir ? { dir } : {}),
  });
  return found.flatMap(({ module }) => module.gauges ?? []);
}
