import type * as z from 'zod';
import { ConfigError, presentVariables, type EnvVars } from '../config.ts';
import { describeIssues } from '../validation.ts';
import { settingDoc } from './setting-docs.ts';

/** The platform's own functions (`functions/platform/`): mounted at `/`, settings in shared/config.ts. */
export const PLATFORM_APP = 'platform';

/**
 * Where an app's routes are mounted: `/<app>`, the platform at the root (''). The one rule for
 * both the router (manifest) and the links an app makes (`app.url()`).
 *
 * @example
 *   appMount('gradcafe'); // '/gradcafe'
 */
export function appMount(app: string): string {
  return app === PLATFORM_APP ? '' : `/${app}`;
}

/** A path inside an app, from its mount point: `/`, `/items/42`, `/?page=2`. */
export type AppPath = `/${string}`;

/**
 * A path of an app as a site path. An app's own code says `notes.url('/items')`; this form is for
 * code that must name another app without importing it (the platform's sign-in redirect).
 *
 * @example
 *   appUrl('notes'); // '/notes/'
 *   appUrl('notes', '/items'); // '/notes/items'
 */
export function appUrl(app: string, path: AppPath = '/'): string {
  return appMount(app) + path;
}

/** One link of the site's navigation bar. */
export interface NavEntry {
  label: string;
  href: string;
}

/** An app as the home page lists it: its title, what it does, and its main page. */
export interface AppListing {
  title: string;
  description: string;
  href: string;
}

/** What an app reads its settings from: the platform Config (`ctx.config`), whose `env` it parses. */
export interface SettingsSource {
  readonly env: EnvVars;
}

export interface AppOptions<S extends z.ZodObject> {
  /** The app's folder under functions/ (kebab-case); also its mount point, `/<name>`. */
  name: string;
  /** Human name: the navigation label and the start banner's. */
  title: string;
  /** One sentence on what the app does, for the home page's list of apps. */
  description: string;
  /**
   * The app's settings, read from environment variables named `<NAME>_…` (GRADCAFE_PULL_CRON for
   * gradcafe). Every key needs a `.describe()`: it is the setting's documentation in .env.example
   * and the README (`npm run apps:generate`).
   */
  config: S;
  /** Its links in the navigation bar, as paths in the app. Default: its title to its root page; `[]` for none. */
  nav?: readonly { label: string; path: AppPath }[];
}

/**
 * An app module (`functions/<app>/app.ts`, default export): the app's name, mount, links and
 * settings. The platform finds these at run time (shared/runtime/apps.ts) and never imports them.
 */
export interface AppModule<S extends z.ZodObject = z.ZodObject> {
  readonly type: 'app';
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** `/<name>`: where the app's functions are served. */
  readonly mount: string;
  /** The settings schema (for the generated docs and the start-up check). */
  readonly schema: S;
  /** Its entries in the navigation bar, hrefs resolved. */
  readonly nav: readonly NavEntry[];
  /** A path of this app as a site path: `url('/items')` → `/notes/items`. */
  url(path?: AppPath): string;
  /**
   * The app's settings, parsed from `source.env` (default: `process.env`) with the platform's rules
   * (an empty value means unset) and remembered until those variables change. Throws a ConfigError
   * naming the app and the variable.
   */
  config(source?: SettingsSource): z.output<S>;
}

/**
 * Declare an app: `export default defineApp({...})` in `functions/<app>/app.ts`.
 *
 * @example
 *   export default defineApp({
 *     name: 'notes',
 *     title: 'Notes',
 *     config: z.object({ NOTES_PAGE_SIZE: z.coerce.number().int().default(20).describe('Tasks per page.') }),
 *   });
 *   notes.url('/items'); // '/notes/items'
 *   notes.config(ctx.config).NOTES_PAGE_SIZE; // 20
 */
export function defineApp<S extends z.ZodObject>(options: AppOptions<S>): AppModule<S> {
  const { name, title, description, config: schema } = options;
  assertValidApp(name, schema);
  const mount = appMount(name);
  const url = (path: AppPath = '/') => appUrl(name, path);
  const nav = (options.nav ?? [{ label: title, path: '/' }]).map((link) => ({
    label: link.label,
    href: url(link.path),
  }));
  const keys = Object.keys(schema.shape);
  let remembered: { variables: string; settings: z.output<S> } | undefined;

  return {
    type: 'app',
    name,
    title,
    description,
    mount,
    schema,
    nav,
    url,
    config(source = { env: process.env }) {
      const present = presentVariables(source.env);
      const own = Object.fromEntries(keys.filter((key) => key in present).map((key) => [key, present[key]]));
      // Keyed by the app's own variables, so a changed environment (tests) is parsed again.
      const variables = JSON.stringify(own);
      if (remembered?.variables === variables) return remembered.settings;
      // Parsed once per process: zod's JIT would compile a parser used once (see loadConfig).
      const parsed = schema.safeParse(own, { jitless: true });
      if (!parsed.success) {
        throw new ConfigError(`Invalid ${name} configuration: ${describeIssues(parsed.error)}`, {
          cause: parsed.error,
        });
      }
      remembered = { variables, settings: parsed.data };
      return parsed.data;
    },
  };
}

/** Mistakes in an app's declaration, reported when its module loads. */
function assertValidApp(name: string, schema: z.ZodObject): void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || name === PLATFORM_APP) {
    throw new Error(`defineApp: '${name}' is not an app name (kebab-case, not '${PLATFORM_APP}')`);
  }
  const prefix = `${name.toUpperCase().replaceAll('-', '_')}_`;
  for (const [key, setting] of Object.entries(schema.shape)) {
    // The prefix keeps apps' variables apart from each other and from the platform's.
    if (!key.startsWith(prefix))
      throw new Error(`defineApp(${name}): setting ${key} must start with ${prefix}`);
    if (!settingDoc(key, setting).description)
      throw new Error(`defineApp(${name}): setting ${key} needs a .describe()`);
  }
}
