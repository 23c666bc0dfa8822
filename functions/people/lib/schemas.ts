import * as z from 'zod';
import { pageQueryFields, pageSchema } from '../../../shared/contract/pagination.ts';

/** `true` or `false`, nothing else (`?has_card=yes` is a 400, not a silent "no filter"). */
const strictBoolean = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .transform((text) => text === 'true');

export const usersQuery = z.object({
  ...pageQueryFields,
  has_address: strictBoolean.optional().describe('Only people with (true) or without (false) an address'),
  has_card: strictBoolean.optional().describe('Only people with (true) or without (false) a card'),
});

export const addressSchema = z.object({
  address: z.string(),
  city: z.string(),
  state: z.string().nullable(),
  stateCode: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});

export const cardSchema = z.object({
  brand: z.string(),
  /** Always `**** **** **** 1234`: the number itself is never stored. */
  number: z.string().regex(/^\*{4} \*{4} \*{4} \d{4}$/),
  expires: z.string().describe('MM/YYYY'),
});

export const personSchema = z.object({
  id: z.string(),
  externalId: z.number().int(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  username: z.string().nullable(),
  birthDate: z.string().nullable(),
  gender: z.string().nullable(),
  image: z.string().nullable(),
  /** When a complete listing of the provider first missed the person; null while listed. */
  missingSince: z.string().nullable(),
  updatedAt: z.string(),
  address: addressSchema.nullable(),
  card: cardSchema.nullable(),
});

export const personPageSchema = pageSchema(personSchema);

export type Person = z.infer<typeof personSchema>;
