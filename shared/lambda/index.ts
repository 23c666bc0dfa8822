/**
 * Lambda adapters: each turns one function of the manifest into a Lambda handler with the
 * same behaviour as in the local runner. `npm run build` generates one entry per function
 * that calls exactly one of these.
 */
export { httpHandler } from './http.ts';
export { taskHandler } from './task.ts';
export { scheduleHandler } from './schedule.ts';
export { migrateHandler } from './migrate.ts';
export { outboxSweepHandler } from './outbox-sweep.ts';
export { assetsHandler, EMBEDDED_PACKAGE_FILES, type EmbeddedAssets } from './assets.ts';
export type { LambdaDeployment, EmbeddedFile } from './types.ts';
