import { createFolderStore } from './folder.ts';
import type { ObjectStore } from './port.ts';
import { createS3Store, type S3StoreOptions } from './s3.ts';

export type { ObjectBody, ObjectStore, StoredObject } from './port.ts';
export { InvalidKeyError, isValidKey, ObjectNotFoundError, ObjectTooLargeError } from './port.ts';
export type { S3StoreOptions } from './s3.ts';

/**
 * An object store on a folder (`{ dir }`) or an S3 bucket (`{ bucket, prefix?, endpoint?, region?,
 * forcePathStyle? }`). Only the S3 store loads the AWS SDK, and only when first used.
 *
 * @example
 *   const files = config.IMPORTS_BUCKET
 *     ? createObjectStore({
 *         bucket: config.IMPORTS_BUCKET,
 *         prefix: 'files/',
 *         endpoint: config.S3_ENDPOINT, // path-style when set
 *         region: config.AWS_REGION,
 *       })
 *     : createObjectStore({ dir: path.join(config.DATA_DIR, 'imports/files') });
 */
export function createObjectStore(options: { dir: string } | S3StoreOptions): ObjectStore {
  return 'dir' in options ? createFolderStore(options.dir) : createS3Store(options);
}
