import path from 'node:path';
import type { Config } from '../../../shared/config.ts';
import imports from '../app.ts';

/** Where the Imports app keeps its files, from the configuration (IMPORTS_* and DATA_DIR). */
export interface ImportsSettings {
  inboxDir: string;
  filesDir: string;
  bucket: string | undefined;
  s3Endpoint: string | undefined;
  region: string;
  maxBytes: number;
  leaseSeconds: number;
}

export function importsSettings(config: Config): ImportsSettings {
  const own = imports.config(config);
  return {
    inboxDir: own.IMPORTS_INBOX_DIR ?? path.join(config.DATA_DIR, 'imports', 'inbox'),
    filesDir: path.join(config.DATA_DIR, 'imports', 'files'),
    bucket: own.IMPORTS_BUCKET,
    s3Endpoint: config.S3_ENDPOINT,
    region: config.AWS_REGION,
    maxBytes: own.IMPORTS_MAX_BYTES,
    leaseSeconds: own.IMPORTS_LEASE_S,
  };
}
