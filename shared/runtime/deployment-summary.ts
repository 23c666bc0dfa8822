import type { Config } from '../config.ts';
import { activeCron } from '../contract/schedule.ts';
import type { Manifest } from './manifest.ts';

/**
 * What the console needs to know of the deployment beyond its queues: its schedules. A runner reads
 * it from its manifest; a Lambda bundle carries it inlined (LambdaDeployment), so the console is
 * the same there without the manifest.
 */
export interface DeploymentSummary {
  schedules: { name: string; publishes: string; cron: string | null; payload: unknown }[];
}

/** The summary of a manifest under `config` (the Lambda build passes the defaults the template deploys). */
export function summarizeDeployment(manifest: Manifest, config: Config): DeploymentSummary {
  return {
    schedules: manifest.schedules.map((e) => ({
      name: e.id,
      publishes: e.definition.publishes,
      cron: activeCron(e.definition, config) ?? null,
      payload: e.definition.payload,
    })),
  };
}
