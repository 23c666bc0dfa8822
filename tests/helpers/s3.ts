import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { SQS_TEST_CREDENTIALS, SQS_TEST_REGION, type SqsEmulator } from './sqs.ts';

/**
 * S3 on the fauxqs emulator (it serves SQS and S3 on one port): a fresh bucket per call. Its
 * objects and multipart uploads are kept as files in a temporary folder (fauxqs' `s3StorageDir`),
 * which lets a test see the uploads S3 itself never lists: fauxqs has no ListMultipartUploads.
 *
 * @example
 *   const s3 = await startS3Emulator();
 *   const bucket = await s3.createBucket();
 *   const store = createObjectStore({ bucket, ...s3.storeOptions });
 *   expect(await s3.pendingUploads()).toBe(0);
 */
export interface S3Emulator extends SqsEmulator {
  storeOptions: { endpoint: string; region: string; credentials: typeof SQS_TEST_CREDENTIALS };
  createBucket(): Promise<string>;
  /** Multipart uploads started and neither completed nor aborted (in every bucket). */
  pendingUploads(): Promise<number>;
}

export async function startS3Emulator(): Promise<S3Emulator> {
  const storageDir = await mkdtemp(path.join(tmpdir(), 'fauxqs-s3-'));
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, s3StorageDir: storageDir });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new S3Client({
    region: SQS_TEST_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: SQS_TEST_CREDENTIALS,
  });
  return {
    endpoint,
    server,
    storeOptions: { endpoint, region: SQS_TEST_REGION, credentials: SQS_TEST_CREDENTIALS },
    async createBucket() {
      const bucket = `test-${randomUUID().slice(0, 8)}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async pendingUploads() {
      return (await readdir(path.join(storageDir, '_multipart'))).length;
    },
    async stop() {
      client.destroy();
      await server.stop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
