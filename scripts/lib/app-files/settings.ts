import type * as z from 'zod';
import { platformSettingGroups } from '../../../shared/config.ts';
import type { AppModule } from '../../../shared/contract/app.ts';
import { settingDoc, type SettingDoc } from '../../../shared/contract/setting-docs.ts';

/** A block of settings as the docs show it: the platform's by topic, then one per app. */
export interface SettingGroup {
  title: string;
  /** Who owns them: `platform`, or the app's name. */
  owner: string;
  /** The file whose schema declares them. */
  file: string;
  settings: SettingDoc[];
}

/**
 * Every setting the project reads, documented from its schema: the platform's (shared/config.ts)
 * and each app's (functions/<app>/app.ts), in that order.
 *
 * @example
 *   settingGroups(await loadApps()).map((g) => g.title); // ['Server', …, 'GradCafe', 'Notes']
 */
export function settingGroups(apps: readonly AppModule[]): SettingGroup[] {
  return [
    ...platformSettingGroups.map(({ title, schema }) => ({
      title,
      owner: 'platform',
      file: 'shared/config.ts',
      settings: docsOf(schema),
    })),
    ...apps.map((app) => ({
      title: app.title,
      owner: app.name,
      file: `functions/${app.name}/app.ts`,
      settings: docsOf(app.schema),
    })),
  ];
}

function docsOf(schema: z.ZodObject): SettingDoc[] {
  return Object.entries(schema.shape).map(([key, setting]) => settingDoc(key, setting as z.ZodType));
}
