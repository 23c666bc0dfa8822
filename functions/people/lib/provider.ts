import type { Logger } from 'pino';
import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';
import type { BaseCtx } from '../../../shared/contract/index.ts';
import { jsonClient, type JsonClient } from '../../../shared/provider/json-client.ts';
import type { PeopleSettings } from '../app.ts';
import { emulatorFetch } from './provider-emulator.ts';

/**
 * The provider's API as the sync reads it (DummyJSON's users): pages of users, and one user with
 * their address and bank card. Only the fields the app keeps are checked; the rest is ignored.
 */

export const providerAddressSchema = z.object({
  address: z.string().min(1),
  city: z.string().min(1),
  state: z.string().optional(),
  stateCode: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  coordinates: z.object({ lat: z.number(), lng: z.number() }).optional(),
});

export const providerCardSchema = z.object({
  cardNumber: z.string().regex(/^[0-9 ]{12,23}$/, 'expected 12 to 19 digits'),
  cardExpire: z.string().regex(/^(0[1-9]|1[0-2])\/\d{2}$/, 'expected MM/YY'),
  cardType: z.string().min(1),
});

export const providerUserSchema = z.object({
  id: z.number().int().positive(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().optional(),
  username: z.string().optional(),
  // DummyJSON writes 1996-5-30; anything else is kept as unknown rather than failing the sync.
  birthDate: z
    .string()
    .optional()
    .transform((text) => (text && isDate(text) ? text : undefined)),
  gender: z.string().optional(),
  image: z.string().optional(),
});

export const usersPageSchema = z.object({
  users: z.array(providerUserSchema),
  total: z.number().int().nonnegative(),
  skip: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
});

export const userDetailSchema = providerUserSchema.extend({
  address: providerAddressSchema,
  bank: providerCardSchema,
});

export type ProviderUser = z.infer<typeof providerUserSchema>;
export type UsersPage = z.infer<typeof usersPageSchema>;

export type ProviderApi = 'users' | 'addresses' | 'cards';

export interface Provider {
  /** Where the API is, for logs and the page. */
  readonly url: string;
  readonly client: JsonClient;
  fetchUsers(skip: number, limit: number): Promise<UsersPage>;
  fetchUser(externalId: number): Promise<z.infer<typeof userDetailSchema>>;
}

const EMULATOR_URL = 'http://provider-emulator.local';

/** The API configured for `api`, or the bundled emulator (read in-process through `db`). */
export function providerFor(
  api: ProviderApi,
  from: {
    settings: PeopleSettings;
    db: Queryable;
    log?: Logger;
    metrics?: Pick<BaseCtx['metrics'], 'providerRequests'>;
  },
  fetchOverride?: typeof fetch,
): Provider {
  const configured = {
    users: from.settings.PEOPLE_USERS_API_URL,
    addresses: from.settings.PEOPLE_ADDRESS_API_URL,
    cards: from.settings.PEOPLE_CARD_API_URL,
  }[api];
  const base = (configured ?? EMULATOR_URL).replace(/\/+$/, '');
  const client = jsonClient({
    name: `people-${api}`,
    timeoutMs: from.settings.PEOPLE_REQUEST_TIMEOUT_MS,
    fetch: fetchOverride ?? (configured ? undefined : emulatorFetch(from.db)),
    ...(from.log ? { log: from.log } : {}),
    ...(from.metrics ? { metrics: from.metrics } : {}),
  });
  return {
    url: configured ?? 'the bundled provider emulator',
    client,
    fetchUsers: (skip, limit) => client.get(`${base}/users?limit=${limit}&skip=${skip}`, usersPageSchema),
    fetchUser: (externalId) => client.get(`${base}/users/${externalId}`, userDetailSchema),
  };
}

/** Whether this deployment serves the emulator over HTTP (see PEOPLE_PROVIDER_EMULATOR). */
export function emulatorServed(settings: PeopleSettings): boolean {
  return (
    settings.PEOPLE_PROVIDER_EMULATOR ??
    (settings.PEOPLE_USERS_API_URL === undefined ||
      settings.PEOPLE_ADDRESS_API_URL === undefined ||
      settings.PEOPLE_CARD_API_URL === undefined)
  );
}

function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
