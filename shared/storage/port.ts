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
 *   await store.move('inbox/items.csv', 'done/items.csv');
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
  /** Every object whose key starts with `prefix`, sorted by key (byte order, as S3 sorts). */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /**
   * An object's bytes as a stream, from byte `from` on (0 by default: a resumed reader asks only
   * for the rest, on S3 with a ranged GET); `size` is the whole object's. A missing key is an
   * ObjectNotFoundError.
   */
  read(key: string, options?: { from?: number }): Promise<{ body: AsyncIterable<Uint8Array>; size: number }>;
  /**
   * Store `body` under `key`, replacing what was there, all or nothing: a reader never sees half
   * an object, and a body that fails (or passes `maxBytes`: ObjectTooLargeError) leaves nothing.
   */
  write(key: string, body: ObjectBody, options?: { maxBytes?: number }): Promise<StoredObject>;
  /**
   * Give an object another key (an inbox file to `done/`), replacing what was at `to`. A missing
   * `from` is an ObjectNotFoundError. Atomic in a folder; on S3 a copy then a delete, so a crash
   * between the two leaves the object under both keys, never under neither.
   */
  move(from: string, to: string): Promise<void>;
  /** Remove an object; a key with no object is not an error (as on S3). */
  delete(key: string): Promise<void>;
  /** Resolves when the store answers (the bucket exists and may be listed), for checks at start. */
  check(): Promise<void>;
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

/**
 * True when every '/'-separated part of `key` is a plain name; anything that could address a file
 * outside the store (`..`, an absolute path) or an unnamed one (`a//b`, `a/`) is not.
 *
 * @example
 *   isValidKey('inbox/items.csv'); // true
 *   isValidKey('../etc/passwd'); // false
 */
export function isValidKey(key: string): boolean {
  return (
    key !== '' &&
    key.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0'))
  );
}

/** The key itself if valid (see isValidKey), else an InvalidKeyError. */
export function checkKey(key: string): string {
  if (!isValidKey(key)) throw new InvalidKeyError(`Not a valid object key: ${JSON.stringify(key)}`);
  return key;
}

/** A body on its way into a store, counted as it passes. */
export interface MeteredBody {
  chunks: AsyncGenerator<Uint8Array>;
  /** Bytes passed so far: the object's size once `chunks` is done. */
  bytes(): number;
}

/**
 * Count the bytes of a body on its way through, failing with ObjectTooLargeError as soon as they
 * pass `maxBytes`, before the chunk that crosses the limit reaches the store.
 *
 * @example
 *   const metered = meterBody(request.body, { maxBytes: 1024 });
 *   await pipeline(Readable.from(metered.chunks), createWriteStream(file));
 *   metered.bytes(); // the size written
 */
export function meterBody(body: ObjectBody, { maxBytes }: { maxBytes?: number | undefined }): MeteredBody {
  let size = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const source = typeof body === 'string' || body instanceof Uint8Array ? [toBytes(body)] : body;
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (maxBytes !== undefined && size > maxBytes) {
        throw new ObjectTooLargeError(`The file is larger than ${maxBytes} bytes`);
      }
      yield chunk;
    }
  }
  return { chunks: chunks(), bytes: () => size };
}

const toBytes = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body) : body;
