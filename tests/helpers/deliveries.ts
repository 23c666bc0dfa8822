import { parseEnvelope, type Envelope } from '../../shared/queue/envelope.ts';
import type { Delivery, Outcome } from '../../shared/queue/port.ts';

/** The envelope of a delivery a test expects to be well-formed. */
export const envelopeOf = (delivery: Delivery): Envelope => {
  const parsed = parseEnvelope(delivery.body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.envelope;
};

/** A handler that records what it saw and answers with `decide` (ack by default). */
export function recorder(
  decide: (delivery: Delivery, seen: Delivery[]) => Outcome = () => ({ type: 'ack' }),
) {
  const seen: Delivery[] = [];
  const handler = async (delivery: Delivery): Promise<Outcome> => {
    seen.push(delivery);
    return decide(delivery, seen);
  };
  return { seen, handler };
}
