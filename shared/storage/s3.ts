import { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import { checkKey, meterBody, ObjectNotFoundError, type ObjectStore } from './port.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Keys live under this prefix in the bucket (`inbox/`); '' for the whole bucket. */
  prefix?: string;
  /** LocalStack, fauxqs or another S3-compatible endpoint (S3_ENDPOINT). */
  endpoint?: string;
  region?: string;
  /**
   * Path-style URLs (`endpoint/bucket/key`) instead of `bucket.endpoint/key`. Default: on when an
   * `endpoint` is given, since an emulator's host has no per-bucket subdomains.
   */
  forcePathStyle?: boolean;
  /** Objects per ListObjectsV2 page (S3's own maximum and default is 1000); tests use a few. */
  pageSize?: number;
  /** Default: the SDK's chain (environment, the Lambda role). Tests on an emulator pass fixed ones. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Bytes per multipart part: S3's minimum, so an upload holds at most a few parts in memory. */
const PART_BYTES = 5 * 1024 * 1024;
/** An unreachable endpoint fails within seconds, and a connection that goes quiet is dropped. */
const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 60_000;

/** The SDK's error names for a key with no object (GetObject and CopyObject; HeadObject). */
const MISSING = new Set(['NoSuchKey', 'NotFound']);

/**
 * The object store on an S3 bucket (containers and Lambda). The SDK is loaded on first use, so
 * a process on the embedded defaults never loads it. Writes stream as a multipart upload
 * (@aws-sdk/lib-storage), which S3 only shows once it completes, and which is aborted when the
 * body fails. A process killed mid-upload leaves its parts pending (unlisted, but stored): give
 * the bucket a lifecycle rule with AbortIncompleteMultipartUpload. A move is CopyObject, which
 * S3 limits to objects of 5 GB.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { bucket } = options;
  const prefix = options.prefix ?? '';
  const forcePathStyle = options.forcePathStyle ?? Boolean(options.endpoint);
  let client: Promise<{ s3: S3Sdk.S3Client; sdk: typeof S3Sdk }> | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        ...(options.region ? { region: options.region } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle,
        requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
      }),
    })));
  const location = `s3://${bucket}/${prefix}`;
  const objectKey = (key: string) => prefix + checkKey(key);
  const notFound = (key: string) => (err: unknown) => {
    if (!MISSING.has((err as { name?: string }).name ?? '')) throw err;
    throw new ObjectNotFoundError(`No object ${key} in ${location}`, { cause: err });
  };

  return {
    kind: 's3',
    description: location,

    async *list(within = '') {
      const { s3, sdk } = await connect();
      let token: string | undefined;
      do {
        const page = await s3.send(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix + within,
            ContinuationToken: token,
            MaxKeys: options.pageSize,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          yield {
            key: object.Key.slice(prefix.length),
            size: object.Size ?? 0,
            modified: object.LastModified ?? new Date(0),
          };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async read(key, readOptions = {}) {
      const Key = objectKey(key);
      const { s3, sdk } = await connect();
      const from = readOptions.from ?? 0;
      if (from > 0) {
        // A range that starts at or past the end is a 416 on S3: an empty rest, then.
        const { ContentLength: size = 0 } = await s3
          .send(new sdk.HeadObjectCommand({ Bucket: bucket, Key }))
          .catch(notFound(key));
        if (from >= size) return { body: (async function* () {})(), size };
        const Range = `bytes=${from}-`;
        const answer = await s3
          .send(new sdk.GetObjectCommand({ Bucket: bucket, Key, Range }))
          .catch(notFound(key));
        return { body: answer.Body as AsyncIterable<Uint8Array>, size };
      }
      const answer = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key })).catch(notFound(key));
      // In Node the SDK's body is the HTTP response itself: bytes arrive as they are read.
      return { body: answer.Body as AsyncIterable<Uint8Array>, size: answer.ContentLength ?? 0 };
    },

    async write(key, body, writeOptions = {}) {
      const Key = objectKey(key);
      const { s3 } = await connect();
      const { Upload } = await import('@aws-sdk/lib-storage');
      const metered = meterBody(body, writeOptions);
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key, Body: Readable.from(metered.chunks) },
        partSize: PART_BYTES,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
      return { key, size: metered.bytes(), modified: new Date() };
    },

    async move(from, to) {
      const source = objectKey(from);
      const target = objectKey(to);
      const { s3, sdk } = await connect();
      if (source === target) {
        // S3 refuses a copy onto itself, and the delete that follows would lose the object.
        await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: source })).catch(notFound(from));
        return;
      }
      await s3
        .send(
          new sdk.CopyObjectCommand({
            Bucket: bucket,
            Key: target,
            // The one parameter the SDK does not encode: `bucket/key`, URL-encoded but for the slashes.
            CopySource: `${bucket}/${encodeURIComponent(source).replaceAll('%2F', '/')}`,
          }),
        )
        .catch(notFound(from));
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: source }));
    },

    async delete(key) {
      const Key = objectKey(key);
      const { s3, sdk } = await connect();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key }));
    },

    async check() {
      const { s3, sdk } = await connect();
      await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
    },
  };
}
