import type { Options } from 'amqplib';

/**
 * A task message in Celery's message protocol 2, as `apply_async` sends it over AMQP: the
 * task's name and id in the headers, `[args, kwargs, embed]` as the JSON body. Published from
 * the bench with the same confirm publisher as the other sides, so filling the queues costs
 * every side alike and does not depend on Celery's client.
 * See https://docs.celeryq.dev/en/stable/internals/protocol.html#version-2
 *
 * @example
 *   const { content, options } = celeryMessage('peer.insert_effect', randomUUID(), [7]);
 *   channel.publish(exchange, routingKey, content, options);
 */
export function celeryMessage(
  task: string,
  id: string,
  args: unknown[],
): { content: Buffer; options: Options.Publish } {
  const body = [args, {}, { callbacks: null, errbacks: null, chain: null, chord: null }];
  return {
    content: Buffer.from(JSON.stringify(body)),
    options: {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      correlationId: id,
      persistent: true,
      headers: {
        lang: 'py',
        task,
        id,
        shadow: null,
        eta: null,
        expires: null,
        group: null,
        group_index: null,
        retries: 0,
        timelimit: [null, null],
        root_id: id,
        parent_id: null,
        argsrepr: JSON.stringify(args),
        kwargsrepr: '{}',
        origin: 'fnstack-bench',
      },
    },
  };
}
