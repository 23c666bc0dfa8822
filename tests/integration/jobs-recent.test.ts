import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobs, insertJobs } from '../../shared/runtime/jobs.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { FakePublisher } from '../helpers/fake-ctx.ts';

describe.each(dbBackends)('jobs.recent on %s', (backend) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(backend);
  });
  afterAll(() => testDb?.drop());

  it('finds one owner’s latest job of a kind among many of other owners (payload filter in SQL)', async () => {
    const job = (n: number, ownerId: string) => ({
      id: crypto.randomUUID(),
      kind: 'notes_task_report',
      payload: { ownerId, n },
      correlationId: `c${n}`,
    });
    const mine = job(0, 'me');
    await insertJobs(testDb.db, [mine]);
    await insertJobs(
      testDb.db,
      Array.from({ length: 60 }, (_, i) => job(i + 1, `other-${i}`)),
    );
    const jobs = createJobs({ db: testDb.db, publisher: new FakePublisher() });

    const found = await jobs.recent({
      kinds: ['notes_task_report'],
      payloadContains: { ownerId: 'me' },
      limit: 1,
    });
    expect(found.map((j) => j.id)).toEqual([mine.id]);
    expect(await jobs.recent({ payloadContains: { ownerId: 'nobody' } })).toEqual([]);
    expect((await jobs.recent({ kinds: ['notes_task_report'], limit: 100 })).length).toBe(61);
  });
});
