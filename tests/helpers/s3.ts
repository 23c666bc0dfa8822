import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQS_TEST_CREDENTIALS, SQS_TEST_REGION, startSqsEmulator, type SqsEmulator } from './sqs.ts';

/**
 * S3 on the fauxqs emulator (it serves SQS and S3 on one port): a fresh bucket per call.
 *
 * @example
 *   const s3 = await startS3Emulator();
 *   const bucket = await s3.createBucket();
 *   const store = createObjectStore({ bucket, ...s3.storeOptions });
 */
export interface S3Emulator extends SqsEmulator {
  storeOptions: { endpoint: string; region: string; credentials: typeof SQS_TEST_CREDENTIALS };
  createBucket(): Promise<string>;
}

export async function startS3Emulator(): Promise<S3Emulator> {
  const emulator = await startSqsEmulator();
  const client = new S3Client({
    region: SQS_TEST_REGION,
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: SQS_TEST_CREDENTIALS,
  });
  return {
    ...emulator,
    storeOptions: { endpoint: emulator.endpoint, region: SQS_TEST_REGION, credentials: SQS_TEST_CREDENTIALS },
    async createBucket() {
      const bucket = `test-${randomUUID().slice(0, 8)}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}
