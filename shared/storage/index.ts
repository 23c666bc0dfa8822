import { createFolderStore } from './folder.ts';
import type { ObjectStore } from './port.ts';
import { createS3Store, type S3StoreOptions } from './s3.ts';

export type { ObjectBody, ObjectStore, StoredObject } from './port.ts';
export { InvalidKeyError, ObjectNotFoundError, ObjectTooLargeError } from './port.ts';

/**
 * An object store on a folder (`{ dir }`) or an S3 bucket (`{ bucket, prefix?, endpoint? }`).
 *
 * @example
 *   const files = config.IMPORTS_BUCKET
 *     ? createObjectStore({ bucket: config.IMPORTS_BUCKET, prefix: 'files/', endpoint: config.S3_ENDPOINT })
 *     : createObjectStore({ dir: '.data/imports/files' });
 */
export function createObjectStore(options: { dir: string } | S3StoreOptions): ObjectStore {
  return 'dir' in options ? createFolderStore(options.dir) : createS3Store(options);
}
