/**
 * define* check a definition when its module loads: a malformed path, a cron EventBridge cannot
 * run or a Lambda size outside Lambda's limits is a TypeError naming the function, not a surprise
 * at deploy time (or a route that silently never matches).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { defineHttp, defineSchedule, defineTask, json } from '../../shared/contract/index.ts';
import type { LambdaOptions } from '../../shared/contract/lambda.ts';
import { activeCron } from '../../shared/contract/schedule.ts';
import { loadManifest } from '../../shared/runtime/manifest.ts';

const handler = () => json({});
const route = (path: string, lambda?: LambdaOptions) =>
  defineHttp({ method: 'GET', path, summary: 's', auth: 'public', handler, ...(lambda ? { lambda } : {}) });
const task = (lambda: LambdaOptions) =>
  defineTask({
    consumes: ['item_saved', 'item_deleted'],
    payload: z.object({}),
    lambda,
    handler: async () => {},
  });
const schedule = (cron: Parameters<typeof defineSchedule>[0]['cron'], lambda?: LambdaOptions) =>
  defineSchedule({ cron, publishes: 'tick', ...(lambda ? { lambda } : {}) });

describe('defineHttp paths', () => {
  it.each([
    '/',
    '/items',
    '/items/',
    '/items/:id',
    '/items/:id/edit',
    '/queues/:queue/dead-letters',
    '/a.b/c~d_e-f',
    '/%7Euser',
  ])('accepts %s', (path) => {
    expect(route(path).path).toBe(path);
  });

  it.each([
    ['', /must start with '\/'/],
    ['items', /must start with '\/'/],
    ['/items ', /must not contain whitespace/],
    ['/my items', /must not contain whitespace/],
    ['/items?limit=5', /must not contain '\?'/],
    ['/items/:id?', /must not contain '\?'/],
    ['/items#top', /fragment/],
    ['/items//edit', /'\/\/' makes an empty segment/],
    ['//items', /'\/\/' makes an empty segment/],
    ['/items/:', /param ':' must be ':' and an identifier/],
    ['/items/:1st', /param ':1st' must be ':' and an identifier/],
    ['/items/:item-id', /param ':item-id'/],
    ['/items/:id/parts/:id', /param ':id' appears twice/],
    ['/items/:id{[0-9]+}', /param ':id\{\[0-9\]\+\}'/],
    ['/static/*', /segment '\*' has characters a route cannot hold/],
    ['/items/a:b', /segment 'a:b'/],
    ['/items/../admin', /dot segment '\.\.'/],
  ])('refuses %j', (path, reason) => {
    expect(() => route(path)).toThrow(TypeError);
    expect(() => route(path)).toThrow(`defineHttp GET ${path}: `);
    expect(() => route(path)).toThrow(reason);
  });
});

describe('defineSchedule crons', () => {
  it.each([
    '*/15 * * * *',
    '17 3 * * *',
    '0 9 * * MON-FRI',
    '0 0 L * *',
    '0 */5 * * * *',
    'off',
    ' off ',
    '',
  ])('accepts %j', (cron) => {
    expect(schedule(cron).publishes).toBe('tick');
  });

  it.each([
    ['every day', /cannot be an EventBridge schedule: has 2 fields/],
    ['61 * * * *', /cannot be an EventBridge schedule/],
    ['*/15 * * * * *', /second '\*\/15'; EventBridge schedules have minute precision/],
    ['0 0 1 * MON', /restricts both day-of-month and day-of-week/],
    ['0 0 * * 1#2,3#2', /one nth \(#\) or last \(L\) weekday/],
  ])('refuses %j, also the ones only EventBridge cannot run', (cron, reason) => {
    expect(() => schedule(cron)).toThrow(TypeError);
    expect(() => schedule(cron)).toThrow(`defineSchedule tick: cron '${cron}'`);
    expect(() => schedule(cron)).toThrow(reason);
  });

  it('checks a cron read from the configuration with the default settings (what the template deploys)', () => {
    expect(() => schedule((c) => c.env.GRADCAFE_PULL_CRON ?? '*/15 * * * *')).not.toThrow();
    expect(() => schedule(() => undefined)).not.toThrow();
    expect(() => schedule((c) => (c.NODE_ENV === 'development' ? '30 * * * * *' : 'off'))).toThrow(
      /defineSchedule tick: cron '30 \* \* \* \* \*' cannot be an EventBridge schedule/,
    );
  });

  it('reads the active cron through one rule: trimmed, and off when off, empty or unset', () => {
    const pull = schedule((c) => c.env.GRADCAFE_PULL_CRON ?? '*/15 * * * *');
    expect(activeCron(pull, loadConfig({ GRADCAFE_PULL_CRON: ' 5 * * * * ' }))).toBe('5 * * * *');
    expect(activeCron(pull, loadConfig({ GRADCAFE_PULL_CRON: 'off' }))).toBeUndefined();
    expect(activeCron(schedule(' '), loadConfig({}))).toBeUndefined();
    expect(
      activeCron(
        schedule(() => undefined),
        loadConfig({}),
      ),
    ).toBeUndefined();
  });
});

describe('Lambda sizes', () => {
  it('accepts the limits themselves on every kind of function', () => {
    expect(route('/a', { memoryMb: 128, timeoutSeconds: 30 }).lambda).toEqual({
      memoryMb: 128,
      timeoutSeconds: 30,
    });
    expect(task({ memoryMb: 10_240, timeoutSeconds: 900 }).lambda).toEqual({
      memoryMb: 10_240,
      timeoutSeconds: 900,
    });
    expect(schedule('0 * * * *', { timeoutSeconds: 900 }).lambda).toEqual({ timeoutSeconds: 900 });
  });

  it.each([
    [{ memoryMb: 127 }, /lambda.memoryMb must be an integer in 128..10240, got 127/],
    [{ memoryMb: 10_241 }, /lambda.memoryMb must be an integer in 128..10240, got 10241/],
    [{ memoryMb: 512.5 }, /lambda.memoryMb .* got 512.5/],
    [
      { timeoutSeconds: 31 },
      /lambda.timeoutSeconds must be an integer in 1..30 for an HTTP function, got 31/,
    ],
    [{ timeoutSeconds: 0 }, /lambda.timeoutSeconds .* got 0/],
    [{ timeoutSeconds: -5 }, /lambda.timeoutSeconds .* got -5/],
    [{ timeoutSeconds: 1.5 }, /lambda.timeoutSeconds .* got 1.5/],
  ])('refuses %j on an HTTP function, naming its route', (lambda, reason) => {
    expect(() => route('/sized', lambda)).toThrow(TypeError);
    expect(() => route('/sized', lambda)).toThrow('defineHttp GET /sized: ');
    expect(() => route('/sized', lambda)).toThrow(reason);
  });

  it('allows tasks and schedules up to 900 s, and names them by their kinds', () => {
    expect(() => task({ timeoutSeconds: 901 })).toThrow(
      'defineTask item_saved, item_deleted: lambda.timeoutSeconds must be an integer in 1..900 for a task function, got 901',
    );
    expect(() => task({ memoryMb: 64 })).toThrow(/defineTask item_saved, item_deleted: lambda.memoryMb/);
    expect(() => schedule('0 * * * *', { timeoutSeconds: 901 })).toThrow(
      'defineSchedule tick: lambda.timeoutSeconds must be an integer in 1..900 for a schedule function, got 901',
    );
  });
});

describe('the functions in functions/', () => {
  it('all still define fine', async () => {
    const manifest = await loadManifest();
    expect(manifest.http.length).toBeGreaterThan(0);
    expect(manifest.tasks.length).toBeGreaterThan(0);
    expect(manifest.schedules.length).toBeGreaterThan(0);
  });
});
