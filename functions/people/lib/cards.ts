import { createHmac, hkdfSync } from 'node:crypto';
import type { Config } from '../../../shared/config.ts';
import type { PeopleSettings } from '../app.ts';

/**
 * Card data, kept the way a shop that is not a payment processor should: never the number. A card
 * keeps its brand, its last four digits and its expiry, and an HMAC of the number under a key of
 * ours, so the same card can be recognised without the number being recoverable (a plain hash of
 * 16 digits could be reversed by trying them all).
 */

export interface StoredCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  numberHash: string;
}

/** What is stored of a card: `cardExpire` is MM/YY. */
export function storedCard(
  card: { cardNumber: string; cardExpire: string; cardType: string },
  key: Buffer,
): StoredCard {
  const digits = card.cardNumber.replace(/\D/g, '');
  const [month, year] = card.cardExpire.split('/').map(Number) as [number, number];
  return {
    brand: card.cardType,
    last4: digits.slice(-4),
    expMonth: month,
    expYear: 2000 + year,
    numberHash: createHmac('sha256', key).update(digits).digest('hex'),
  };
}

/** The only way a card number is ever shown. */
export function maskedNumber(last4: string): string {
  return `**** **** **** ${last4}`;
}

/** A fixed key for development and tests only: elsewhere SESSION_SECRET is required, and used. */
const DEVELOPMENT_KEY = Buffer.from('fnstack development key for card hashes, not for production');

/** PEOPLE_CARD_HASH_KEY, else a key derived from SESSION_SECRET (stable across restarts). */
export function cardHashKey(config: Pick<Config, 'SESSION_SECRET'>, settings: PeopleSettings): Buffer {
  if (settings.PEOPLE_CARD_HASH_KEY) return Buffer.from(settings.PEOPLE_CARD_HASH_KEY);
  if (!config.SESSION_SECRET) return DEVELOPMENT_KEY;
  return Buffer.from(hkdfSync('sha256', config.SESSION_SECRET, 'fnstack', 'people card hash', 32));
}
