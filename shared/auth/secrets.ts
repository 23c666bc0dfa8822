import { randomBytes } from 'node:crypto';
import { allowsGeneratedSecrets, ConfigError, type Config } from '../config.ts';

/**
 * The signing secrets auth uses: JWT_SECRET and SESSION_SECRET from the config or, where NODE_ENV
 * allows it (development, test), random ones generated once per process. Generated secrets die with
 * the process: tokens and anything signed stop verifying after a restart, and two processes never
 * agree, which is why production refuses to start without configured ones (see loadConfig).
 */
export type SecretName = 'JWT_SECRET' | 'SESSION_SECRET';

export interface AuthSecrets {
  jwtSecret: string;
  sessionSecret: string;
  /** The secrets that were generated because unset: say so in the start banner. */
  generated: SecretName[];
}

/** One value per process, so every caller (HTTP app, task contexts) signs and verifies alike. */
const generatedByName = new Map<SecretName, string>();

/**
 * @example
 *   const secrets = resolveAuthSecrets(config);
 *   if (secrets.generated.length > 0)
 *     log.warn({ generated: secrets.generated }, 'auth secrets generated for this run: logins end at restart');
 */
export function resolveAuthSecrets(config: Pick<Config, SecretName | 'NODE_ENV'>): AuthSecrets {
  const generated: SecretName[] = [];
  const resolve = (name: SecretName): string => {
    const configured = config[name];
    if (configured !== undefined) return configured;
    if (!allowsGeneratedSecrets(config.NODE_ENV)) {
      throw new ConfigError(`${name} is required when NODE_ENV=${config.NODE_ENV}`);
    }
    generated.push(name);
    let value = generatedByName.get(name);
    if (value === undefined) {
      value = randomBytes(48).toString('base64url');
      generatedByName.set(name, value);
    }
    return value;
  };
  return { jwtSecret: resolve('JWT_SECRET'), sessionSecret: resolve('SESSION_SECRET'), generated };
}
