import { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import { checkKey, limitBytes, ObjectNotFoundError, type ObjectStore } from './port.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Keys live under this prefix in the bucket (`inbox/`); '' for the whole bucket. */
  prefix?: string;
  /** LocalStack, fauxqs or another S3-compatible endpoint (S3_ENDPOINT); path-style URLs then. */
  endpoint?: string;
  region?: string;
  /** Objects per ListObjectsV2 page (S3's own maximum is 1000). */
  pageSize?: number;
  /** Default: the SDK's chain (environment, the Lambda role). Tests on an emulator pass fixed ones. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Bytes per multipart part: S3's minimum, so an upload holds at most a few parts in memory. */
const PART_BYTES = 5 * 1024 * 1024;

/**
 * The object store on an S3 bucket (containers and Lambda). The SDK is loaded on first use, so
 * a process on the embedded defaults never loads it. Writes stream as a multipart upload
 * (@aws-sdk/lib-storage), which S3 only shows once it completes, and aborts on failure.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { bucket } = options;
  const prefix = options.prefix ?? '';
  let client: Promise<{ s3: S3Sdk.S3Client; sdk: typeof S3Sdk }> | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        ...(options.region ? { region: options.region } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      }),
    })));

  return {
    kind: 's3',
    description: `s3://${bucket}/${prefix}`,

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

    async read(key) {
      const { s3, sdk } = await connect();
      try {
        const answer = await s3.send(
          new sdk.GetObjectCommand({ Bucket: bucket, Key: prefix + checkKey(key) }),
        );
        return { body: answer.Body as AsyncIterable<Uint8Array>, size: answer.ContentLength ?? 0 };
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') {
          throw new ObjectNotFoundError(`No object ${key} in s3://${bucket}/${prefix}`, { cause: err });
        }
        throw err;
      }
    },

    async write(key, body, writeOptions = {}) {
      const { s3 } = await connect();
      const { Upload } = await import('@aws-sdk/lib-storage');
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: bucket,
          Key: prefix + checkKey(key),
          Body: Readable.from(limitBytes(body, writeOptions.maxBytes)),
        },
        partSize: PART_BYTES,
        queueSize: 2,
        leavePartsOnError: false,
      });
      let size = 0;
      upload.on('httpUploadProgress', (progress) => {
        size = Math.max(size, progress.loaded ?? 0);
      });
      await upload.done();
      return { key, size, modified: new Date() };
    },

    async delete(key) {
      const { s3, sdk } = await connect();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: prefix + checkKey(key) }));
    },
  };
}
