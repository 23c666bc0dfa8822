import path from 'node:path';
import type { Config } from '../../../shared/config.ts';

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
  return {
    inboxDir: config.IMPORTS_INBOX_DIR ?? path.join(config.DATA_DIR, 'imports', 'inbox'),
    filesDir: path.join(config.DATA_DIR, 'imports', 'files'),
    bucket: config.IMPORTS_BUCKET,
    s3Endpoint: config.S3_ENDPOINT,
    region: config.AWS_REGION,
    maxBytes: config.IMPORTS_MAX_BYTES,
    leaseSeconds: config.IMPORTS_LEASE_S,
  };
}
