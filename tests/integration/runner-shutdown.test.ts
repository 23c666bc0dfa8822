import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { startRunner } from '../../shared/runtime/runner.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

describe('runner stop', () => {
  it('lets a request whose client hung up finish its database work before closing the database', async () => {
    const outcomes: string[] = [];
    let started = false;
    const slow = defineHttp({
      method: 'GET',
      path: '/slow',
      auth: 'public',
      summary: 'Works for a while, then uses the database',
      handler: async (_req, ctx) => {
        started = true;
        await sleep(400);
        try {
          const { rows } = await ctx.db.query<{ one: number }>('select 1 as one');
          outcomes.push(`query ${rows[0]!.one}`);
        } catch (err) {
          outcomes.push(`failed: ${(err as Error).message}`);
        }
        return json({ ok: true });
      },
    });
    const { platform, close } = await createTestPlatform(stacks[0], { 'functions/demo/slow.ts': slow });
    const runner = await startRunner(platform, { roles: ['web'], port: 0, host: '127.0.0.1' });
    try {
      const client = new AbortController();
      const request = fetch(`${runner.url}/demo/slow`, { signal: client.signal }).catch(() => undefined);
      await waitFor(() => started, { message: 'the handler to start' });
      client.abort(); // the client hangs up: the server has no connection left to wait for
      await request;
      await runner.stop();
      expect(outcomes).toEqual(['query 1']);
    } finally {
      await runner.stop();
      await close().catch(() => undefined); // the runner closed the database already
    }
  });
});
