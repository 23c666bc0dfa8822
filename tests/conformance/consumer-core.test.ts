import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { driverEntries, type DriverEntry, type NotApplicable } from '../helpers/drivers.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  createEffectsTable,
  EFFECT_FILE,
  EFFECT_KIND,
  EFFECT_QUEUE,
  effectTask,
  effectValues,
  type BeforeEffect,
  type EffectRun,
} from './fixtures.ts';
import { startDriver, startPlatform, tapDeliveries, type TappedDelivery } from './harness.ts';

/**
 * Conformance, part 2: the delivery semantics of the consumer core (retry, dead-letter,
 * replay, inbox, drain) through each driver. The core is the same for every driver, so any
 * difference seen here is the driver's.
 */

const isEmpty = async (driver: QueueDriver, queue: string) => {
  const depth = await driver.depth(queue);
  return depth.ready === 0 && depth.delayed === 0 && depth.dead === 0;
};

/** Runs the case, or, when the entry says it cannot apply, reports it skipped with the reason. */
function itUnless(
  entry: DriverEntry,
  capability: keyof NotApplicable,
  title: string,
  body: () => Promise<void>,
) {
  const reason = entry.notApplicable[capability];
  if (reason) it.skip(`${title} [not applicable to ${entry.name}: ${reason}]`, () => {});
  else it(title, body);
}

/** A driver of `entry` with a platform over the effect fixture, its worker started. */
async function startEffectWorker(entry: DriverEntry, beforeEffect: BeforeEffect, extraKinds: string[] = []) {
  const testDriver = await startDriver(entry);
  const deliveries: TappedDelivery[] = [];
  const driver = tapDeliveries(testDriver.driver, deliveries);
  const { platform, startWorker } = await startPlatform(
    driver,
    { [EFFECT_FILE]: effectTask(entry.retryBaseMs, beforeEffect) },
    { extraKinds },
  );
  await createEffectsTable(platform.db);
  const worker = await startWorker();
  return { ...testDriver, driver, deliveries, platform, worker };
}

describe.each(driverEntries)('consumer core conformance: $name', (entry) => {
  it('provides exactly the test hooks it does not declare not applicable', async () => {
    const { publishRaw, attachPeer } = await startDriver(entry);
    expect({ rawBytes: publishRaw !== undefined, peerCrash: attachPeer !== undefined }).toEqual({
      rawBytes: !entry.notApplicable.rawBytes,
      peerCrash: !entry.notApplicable.peerCrash,
    });
  });

  it('retries a failing handler with growing delays, then dead-letters it after attempt 3 with its error', async () => {
    const runs: EffectRun[] = [];
    const { driver, platform } = await startEffectWorker(entry, (run) => {
      runs.push(run);
      throw new Error(`planned failure ${run.attempt}`);
    });
    const envelope = createEnvelope({ kind: EFFECT_KIND, payload: { value: 'doomed' } });
    await driver.publish(envelope);
    await waitFor(async () => (await driver.depth(EFFECT_QUEUE)).dead === 1, { timeoutMs: 10_000 });

    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    const [firstDelay, secondDelay] = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
    // base - 20% jitter, with a little slack; then twice the base ± 20% against the base ± 20%
    expect(firstDelay).toBeGreaterThanOrEqual(entry.retryBaseMs * 0.72);
    expect(secondDelay).toBeGreaterThan(firstDelay);
    const dead = await driver.listDead(EFFECT_QUEUE, 10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: EFFECT_QUEUE, envelope: { id: envelope.id, kind: EFFECT_KIND } });
    expect(dead[0]!.error).toContain('planned failure 3');
    expect(await driver.depth(EFFECT_QUEUE)).toEqual({ ready: 0, delayed: 0, dead: 1 });
    expect(await effectValues(platform.db)).toEqual([]); // every failed attempt rolled back
  });

  it('dead-letters an unknown kind and a schema-invalid payload after one delivery, and keeps consuming', async () => {
    const runs: EffectRun[] = [];
    // The queue is also bound to a kind this worker's code does not know, as after a newer deploy.
    const { driver, deliveries, platform } = await startEffectWorker(entry, (run) => void runs.push(run), [
      'conformance_from_the_future',
    ]);
    const unknownKind = createEnvelope({ kind: 'conformance_from_the_future', payload: { value: 'x' } });
    const invalid = createEnvelope({ kind: EFFECT_KIND, payload: { value: 42 } });
    const valid = createEnvelope({ kind: EFFECT_KIND, payload: { value: 'after the bad ones' } });
    for (const envelope of [unknownKind, invalid, valid]) await driver.publish(envelope);

    await waitFor(async () => (await effectValues(platform.db)).length === 1, { timeoutMs: 10_000 });
    await waitFor(async () => (await driver.depth(EFFECT_QUEUE)).dead === 2, { timeoutMs: 10_000 });
    expect(await effectValues(platform.db)).toEqual(['after the bad ones']);
    expect(runs.map((run) => run.messageId)).toEqual([valid.id]);
    const errors = Object.fromEntries(
      (await driver.listDead(EFFECT_QUEUE, 10)).map((dead) => [dead.deadId, dead.error]),
    );
    expect(errors[unknownKind.id]).toMatch(/^unknown kind 'conformance_from_the_future'/);
    expect(errors[invalid.id]).toMatch(/^invalid payload: value/);
    // One delivery each: nothing retried what no retry can fix.
    expect(deliveries.filter((d) => d.id !== valid.id).map((d) => d.outcome)).toEqual(['dead', 'dead']);

    // Purged for good: the one picked, then the rest.
    expect(await driver.purgeDead(EFFECT_QUEUE, { deadIds: [unknownKind.id] })).toBe(1);
    expect((await driver.listDead(EFFECT_QUEUE, 10)).map((dead) => dead.deadId)).toEqual([invalid.id]);
    expect(await driver.purgeDead(EFFECT_QUEUE)).toBe(1);
    await waitFor(() => isEmpty(driver, EFFECT_QUEUE), { message: 'the DLQ purged' });
  });

  itUnless(
    entry,
    'rawBytes',
    'dead-letters a body that is not JSON after one delivery, keeps its bytes, never replays it',
    async () => {
      const runs: EffectRun[] = [];
      const { driver, deliveries, platform, publishRaw } = await startEffectWorker(
        entry,
        (run) => void runs.push(run),
      );
      await publishRaw!(EFFECT_QUEUE, Buffer.from('not json {'));
      const valid = createEnvelope({ kind: EFFECT_KIND, payload: { value: 'after the malformed one' } });
      await driver.publish(valid);

      await waitFor(async () => (await effectValues(platform.db)).length === 1, { timeoutMs: 10_000 });
      await waitFor(async () => (await driver.depth(EFFECT_QUEUE)).dead === 1, { timeoutMs: 10_000 });
      const [dead] = await driver.listDead(EFFECT_QUEUE, 10);
      expect(dead).toMatchObject({ queue: EFFECT_QUEUE, rawBody: 'not json {' });
      expect(dead!.envelope).toBeUndefined();
      expect(dead!.error).toMatch(/^malformed body/);
      expect(deliveries.filter((d) => d.id === undefined).map((d) => d.outcome)).toEqual(['dead']);
      expect(runs.map((run) => run.messageId)).toEqual([valid.id]);
      expect(await driver.replayDead(EFFECT_QUEUE)).toBe(0);
      // What cannot be replayed can still be purged.
      expect(await driver.purgeDead(EFFECT_QUEUE)).toBe(1);
      expect(await driver.listDead(EFFECT_QUEUE, 10)).toEqual([]);
    },
  );

  itUnless(
    entry,
    'peerCrash',
    'a consumer that dies mid-message: the message comes back, its effect lands once (inbox)',
    async () => {
      const runs: EffectRun[] = [];
      const main = await startEffectWorker(entry, (run) => void runs.push(run));
      const peer = await main.attachPeer!();
      const peerDeliveries: TappedDelivery[] = [];
      const gate = Promise.withResolvers<void>();
      // The same function in another process, sharing the database, stuck inside its first message.
      const peerPlatform = await startPlatform(
        tapDeliveries(peer.driver, peerDeliveries),
        {
          [EFFECT_FILE]: effectTask(entry.retryBaseMs, async (run) => {
            runs.push(run);
            await gate.promise;
          }),
        },
        { db: main.platform.db },
      );
      // Only the peer consumes until it holds the message: stop the main worker first.
      await main.worker.stop();
      await peerPlatform.startWorker();
      const envelope = createEnvelope({ kind: EFFECT_KIND, payload: { value: 'once' } });
      await main.driver.publish(envelope);
      await waitFor(() => runs.length === 1, { timeoutMs: 10_000, message: 'peer started the message' });

      const restarted = await startPlatform(
        main.driver,
        { [EFFECT_FILE]: effectTask(entry.retryBaseMs, (run) => void runs.push(run)) },
        {
          db: main.platform.db,
        },
      );
      await restarted.startWorker();
      await peer.crash();
      const redelivery = await waitFor(
        () => [...main.deliveries, ...peerDeliveries].find((d) => d.id === envelope.id && d.redelivered),
        { timeoutMs: 15_000, message: 'the crashed consumer’s message delivered again' },
      );
      // The stuck handler now commits (its database work outlives the broker connection): the
      // redelivered copy must find the inbox row and be acknowledged without running again.
      gate.resolve();
      await waitFor(() => redelivery.outcome === 'ack', { timeoutMs: 10_000 });
      expect(await effectValues(main.platform.db)).toEqual(['once']);
      expect(runs).toHaveLength(1);
      const inbox = await main.platform.db.query('select 1 from inbox where message_id = $1', [envelope.id]);
      expect(inbox.rowCount).toBe(1);
    },
  );

  it('replays a dead-lettered message from attempt 1, and it succeeds', async () => {
    const runs: EffectRun[] = [];
    let failing = true;
    const { driver, platform } = await startEffectWorker(entry, (run) => {
      runs.push(run);
      if (failing) throw new Error('dependency down');
    });
    const envelope = createEnvelope({ kind: EFFECT_KIND, payload: { value: 'replayed' } });
    await driver.publish(envelope);
    await waitFor(async () => (await driver.depth(EFFECT_QUEUE)).dead === 1, { timeoutMs: 10_000 });
    expect(await effectValues(platform.db)).toEqual([]);

    failing = false;
    expect(await driver.replayDead(EFFECT_QUEUE)).toBe(1);
    await waitFor(async () => (await effectValues(platform.db)).length === 1, { timeoutMs: 10_000 });
    expect(await effectValues(platform.db)).toEqual(['replayed']);
    expect(runs.map((run) => [run.messageId, run.attempt])).toEqual([
      [envelope.id, 1],
      [envelope.id, 2],
      [envelope.id, 3],
      [envelope.id, 1],
    ]);
    await waitFor(() => isEmpty(driver, EFFECT_QUEUE), { message: 'DLQ emptied and the replay acked' });
  });

  it('worker.stop() finishes in-flight work: the effect commits and the message is acked', async () => {
    const gate = Promise.withResolvers<void>();
    const runs: EffectRun[] = [];
    const { driver, platform, worker } = await startEffectWorker(entry, async (run) => {
      runs.push(run);
      await gate.promise;
    });
    await driver.publish(createEnvelope({ kind: EFFECT_KIND, payload: { value: 'drained' } }));
    await waitFor(() => runs.length === 1, { timeoutMs: 10_000 });
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    // Proving a negative needs a window: a stop() that does not drain resolves well within it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(await effectValues(platform.db)).toEqual(['drained']);
    await waitFor(() => isEmpty(driver, EFFECT_QUEUE), { message: 'drained message acked' });
  });
});
