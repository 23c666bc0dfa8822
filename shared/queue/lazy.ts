import { lazy } from '../lazy.ts';
import type { QueueDriver } from './port.ts';

/**
 * A driver created on first use. A Lambda HTTP function that never publishes (a health check,
 * a read) then never loads the broker's SDK, which is most of a cold start's import time.
 * Once created, every call goes to the real driver; closing one never created does nothing.
 */
export function lazyDriver(name: QueueDriver['name'], create: () => Promise<QueueDriver>): QueueDriver {
  let created: QueueDriver | undefined;
  const real = lazy(async () => (created = await create()));
  return {
    name,
    declare: async (topology) => (await real()).declare(topology),
    publish: async (envelope) => (await real()).publish(envelope),
    consume: async (spec, handler) => (await real()).consume(spec, handler),
    depth: async (queue) => (await real()).depth(queue),
    listDead: async (queue, limit) => (await real()).listDead(queue, limit),
    replayDead: async (queue, options) => (await real()).replayDead(queue, options),
    purgeDead: async (queue, options) => (await real()).purgeDead(queue, options),
    check: async () => (await real()).check(),
    close: async () => {
      await created?.close();
    },
  };
}
