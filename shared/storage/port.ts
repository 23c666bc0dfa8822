import { AppError } from '../errors.ts';

/**
 * The object-store port: files an app keeps or receives (an import's CSV, an inbox), the same
 * way in a local folder (the embedded default) and in an S3 bucket (containers and Lambda).
 * Bodies are streamed both ways, never held whole.
 *
 * @example
 *   const store = createObjectStore({ dir: '.data/imports/files' });
 *   await store.write('2026-12-05/items.csv', fileStream, { maxBytes: 512 * 1024 * 1024 });
 *   for await (const object of store.list()) console.log(object.key, object.size);
 *   const { body } = await store.read('2026-12-05/items.csv');
 */
export interface StoredObject {
  /** '/'-separated, relative to the store (its folder, or its bucket prefix). */
  key: string;
  size: number;
  modified: Date;
}

export type ObjectBody = AsyncIterable<Uint8Array> | Uint8Array | string;

export interface ObjectStore {
  readonly kind: 'folder' | 's3';
  /** For logs and pages: `folder .data/imports/inbox`, `s3://bucket/inbox/`. */
  readonly description: string;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /** An object's bytes as a stream; a missing key is an ObjectNotFoundError. */
  read(key: string): Promise<{ body: AsyncIterable<Uint8Array>; size: number }>;
  /**
   * Store `body` under `key`, replacing what was there, all or nothing: a reader never sees half
   * an object, and a body that fails (or passes `maxBytes`: ObjectTooLargeError) leaves nothing.
   */
  write(key: string, body: ObjectBody, options?: { maxBytes?: number }): Promise<StoredObject>;
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends AppError {
  readonly code = 'OBJECT_NOT_FOUND';
  readonly status = 404;
}

export class ObjectTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

/** A key the store refuses: empty, absolute, or climbing out of the store with `..`. */
export class InvalidKeyError extends AppError {
  readonly code = 'INVALID_KEY';
  readonly status = 400;
}

export function checkKey(key: string): string {
  const parts = key.split('/');
  if (!key || key.startsWith('/') || parts.some((part) => part === '' || part === '.' || part === '..')) {
    throw new InvalidKeyError(`Not a valid object key: ${JSON.stringify(key)}`);
  }
  return key;
}

/** Counts the bytes of a body on its way through, failing once it passes `maxBytes`. */
export async function* limitBytes(
  body: ObjectBody,
  maxBytes: number | undefined,
): AsyncGenerator<Uint8Array> {
  const chunks = typeof body === 'string' || body instanceof Uint8Array ? [toBytes(body)] : body;
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (maxBytes !== undefined && size > maxBytes) {
      throw new ObjectTooLargeError(`The file is larger than ${maxBytes} bytes`);
    }
    yield chunk;
  }
}

const toBytes = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body) : body;
