import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { allowsGeneratedSecrets } from '../config.ts';
import type { SecretName } from './secrets.ts';

/** Where development keeps the signing secrets it made up: beside the embedded database. */
export const DEV_SECRETS_FILE = 'secrets.json';

const stored = z.object({ JWT_SECRET: z.string().min(32), SESSION_SECRET: z.string().min(32) });

export interface DevSecrets {
  /** The file they are kept in. */
  file: string;
  /** The names taken from (or just written to) the file: those the environment did not set. */
  names: SecretName[];
  /** True when this call made the file. */
  created: boolean;
}

/**
 * Signing secrets for development that survive a restart: generated once, kept in
 * `<DATA_DIR>/secrets.json` (mode 0600), and put into `env` for the names it does not set, so
 * `npm start` restarts and `npm run dev` reloads keep everyone signed in, and `npm run invoke`
 * signs like the runner. Production never takes this path: there the secrets must be configured.
 *
 * @example
 *   const secrets = await useDevSecrets(process.env); // before loadConfig()
 *   if (secrets) console.log(`secrets kept in ${secrets.file}`);
 */
export async function useDevSecrets(
  env: Record<string, string | undefined>,
): Promise<DevSecrets | undefined> {
  const names = (['JWT_SECRET', 'SESSION_SECRET'] as const).filter((name) => !env[name]);
  if (names.length === 0 || !allowsGeneratedSecrets(env.NODE_ENV || 'development')) return undefined;
  const file = path.resolve(env.DATA_DIR || '.data', DEV_SECRETS_FILE);
  let secrets = await readStored(file);
  const created = secrets === undefined;
  if (!secrets) {
    secrets = { JWT_SECRET: random(), SESSION_SECRET: random() };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  // Also for a file that was there: someone may have loosened its mode.
  await chmod(file, 0o600);
  for (const name of names) env[name] = secrets[name];
  return { file, names, created };
}

/** The file's secrets, or undefined when it is missing or not what we write (then it is replaced). */
async function readStored(file: string): Promise<z.infer<typeof stored> | undefined> {
  try {
    return stored.safeParse(JSON.parse(await readFile(file, 'utf8'))).data;
  } catch {
    return undefined;
  }
}

function random(): string {
  return randomBytes(48).toString('base64url');
}
