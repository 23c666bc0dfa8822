import { EventEmitter } from 'node:events';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../shared/errors.ts';
import type { ConnectionManager } from '../../shared/queue/rabbitmq/connection.ts';
import { UnroutableMessageError } from '../../shared/queue/errors.ts';
import { createConfirmPublisher, type PublishRequest } from '../../shared/queue/rabbitmq/publisher.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The confirm publisher's edge cases that a healthy local broker never shows (a confirm
 * that never comes, a full socket buffer), on a scripted fake channel.
 */

type ConfirmCallback = (err: unknown) => void;

class FakeConfirmChannel extends EventEmitter {
  sent: { routingKey: string; confirm: ConfirmCallback }[] = [];
  /** What `publish` answers: false means "buffer full, wait for drain". */
  accepting = true;

  publish(
    _exchange: string,
    routingKey: string,
    _content: Buffer,
    _options: unknown,
    confirm: ConfirmCallback,
  ) {
    this.sent.push({ routingKey, confirm });
    return this.accepting;
  }

  async assertExchange() {
    return {};
  }

  async close() {
    this.emit('close');
  }
}

function setup(timeoutMs = 1_000) {
  const channels: FakeConfirmChannel[] = [];
  let reachable = true;
  const model = {
    async createConfirmChannel() {
      const channel = new FakeConfirmChannel();
      channels.push(channel);
      return channel as unknown as ConfirmChannel;
    },
  } as unknown as ChannelModel;
  const connection: ConnectionManager = {
    async get() {
      if (!reachable) throw new QueueUnavailableError('RabbitMQ connection lost; reconnecting');
      return model;
    },
    onConnect: () => undefined,
    close: async () => undefined,
  };
  const publisher = createConfirmPublisher({
    connection,
    log: pino({ level: 'silent' }),
    timeoutMs,
    prepare: async (channel) => void (await channel.assertExchange('tasks', 'direct')),
  });
  return { publisher, channels, setReachable: (value: boolean) => (reachable = value) };
}

const request = (routingKey: string, mandatory = false): PublishRequest => ({
  exchange: 'tasks',
  routingKey,
  content: Buffer.from('{}'),
  options: { messageId: routingKey, mandatory },
});

describe('rabbitmq confirm publisher', () => {
  it('shares one channel between concurrent publishes and resolves each on its own confirm', async () => {
    const { publisher, channels } = setup();
    const first = publisher.publish(request('a'));
    const second = publisher.publish(request('b'));
    await waitFor(() => channels[0]?.sent.length === 2);
    expect(channels).toHaveLength(1);
    channels[0]!.sent[1]!.confirm(null);
    await second;
    channels[0]!.sent[0]!.confirm(null);
    await first;
  });

  it('fails with QueueUnavailableError when no confirm arrives in time', async () => {
    const { publisher } = setup(100);
    const startedAt = Date.now();
    await expect(publisher.publish(request('a'))).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('fails with QueueUnavailableError when the broker nacks', async () => {
    const { publisher, channels } = setup();
    const publishing = publisher.publish(request('a'));
    await waitFor(() => channels[0]?.sent.length === 1);
    channels[0]!.sent[0]!.confirm(new Error('message nacked'));
    await expect(publishing).rejects.toBeInstanceOf(QueueUnavailableError);
  });

  it('holds later publishes until the channel drains', async () => {
    const { publisher, channels } = setup();
    const first = publisher.publish(request('a'));
    await waitFor(() => channels[0]?.sent.length === 1);
    const channel = channels[0]!;
    channel.accepting = false;
    const second = publisher.publish(request('b'));
    await waitFor(() => channel.sent.length === 2);
    const third = publisher.publish(request('c'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(channel.sent.map((s) => s.routingKey)).toEqual(['a', 'b']); // 'c' waits for drain
    channel.accepting = true;
    channel.emit('drain');
    await waitFor(() => channel.sent.length === 3);
    for (const sent of channel.sent) sent.confirm(null);
    await Promise.all([first, second, third]);
  });

  it('turns a returned mandatory message into UnroutableMessageError', async () => {
    const { publisher, channels } = setup();
    const publishing = publisher.publish(request('nobody', true));
    await waitFor(() => channels[0]?.sent.length === 1);
    channels[0]!.emit('return', { properties: { messageId: 'nobody' } });
    channels[0]!.sent[0]!.confirm(null);
    await expect(publishing).rejects.toBeInstanceOf(UnroutableMessageError);
  });

  it('opens a new channel after the old one closed, and fails fast without a connection', async () => {
    const { publisher, channels, setReachable } = setup();
    const first = publisher.publish(request('a'));
    await waitFor(() => channels[0]?.sent.length === 1);
    channels[0]!.sent[0]!.confirm(null);
    await first;
    channels[0]!.emit('close');

    setReachable(false);
    await expect(publisher.publish(request('b'))).rejects.toBeInstanceOf(QueueUnavailableError);
    setReachable(true);
    const third = publisher.publish(request('c'));
    await waitFor(() => channels[1]?.sent.length === 1);
    channels[1]!.sent[0]!.confirm(null);
    await third;
    expect(channels[0]!.sent).toHaveLength(1);
  });
});
