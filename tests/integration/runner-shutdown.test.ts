import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defineHttp, json } from '../../shared/contract/index.ts';
import healthz from '../../functions/platform/healthz.ts';
import readyz from '../../functions/platform/readyz.ts';
import { startRunner } from '../../shared/runtime/runner.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { freePort } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

describe('runner start', () => {
  it('answers /readyz 503 and functions 503 STARTING while it prepares the database, and serves once done', async () => {
    const hello = defineHttp({
      method: 'GET',
      path: '/hello',
      auth: 'public',
      summary: 'A function',
      handler: () => json({ hello: true }),
    });
    const { platform, close } = await createTestPlatform(stacks[0], {
      'functions/demo/hello.ts': hello,
      'functions/platform/readyz.ts': readyz,
      'functions/platform/healthz.ts': healthz,
    });
    const port = await freePort();
    let finishPreparing = () => {};
    const prepared = new Promise<void>((resolve) => (finishPreparing = resolve));
    const starting = startRunner(platform, {
      roles: ['web'],
      port,
      host: '127.0.0.1',
      prepare: () => prepared,
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      const readiness = await waitFor(async () => {
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        return res && { status: res.status, body: (await res.json()) as { checks: { db: string } } };
      });
      expect(readiness.status).toBe(503);
      expect(readiness.body.checks.db).toMatch(/^preparing/);
      const gated = await fetch(`${url}/demo/hello`);
      expect(gated.status).toBe(503);
      expect(gated.headers.get('retry-after')).toBe('5');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      finishPreparing();
      const runner = await starting;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/demo/hello`)).status).toBe(200);
      await runner.stop();
    } finally {
      finishPreparing();
      await (await starting.catch(() => undefined))?.stop();
      await close().catch(() => undefined);
    }
  });
});

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
