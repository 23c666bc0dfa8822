import type { OutboxBenchResult } from './outbox.ts';
import type { Figure } from './report.ts';

export function outboxFigures(result: OutboxBenchResult): Figure[] {
  const { lag } = result;
  return [
    {
      figure: `(i) Outbox relay: ${result.messages} committed messages sent with confirms [raw: amqplib confirm-publish, as many in flight]`,
      unit: 'msg/s',
      ours: Math.round(result.ours.perSecond),
      raw: Math.round(result.raw.perSecond),
      ratio: result.ours.perSecond / result.raw.perSecond,
      target: 'info',
      pass: null,
    },
    {
      figure: `(i) Outbox lag, commit to confirmed, at ${lag.ratePerSecond} msg/s for ${lag.seconds} s: p50 / p95 / max`,
      unit: 'ms',
      ours: Math.round(lag.p95Ms),
      raw: null,
      ratio: null,
      target: `p50 ${Math.round(lag.p50Ms)}, max ${Math.round(lag.maxMs)}`,
      pass: null,
    },
  ];
}
