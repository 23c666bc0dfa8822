import { chance, intBetween, mulberry32, pick, seedFor } from '../../../shared/random.ts';

/**
 * The provider emulator's people, shaped like DummyJSON's users (the fields the app reads, and a
 * few it does not): `personFor(id)` is a pure function of the id, so any page can be served on
 * its own and always the same way.
 */

export const EMULATED_PEOPLE = 300;

const FIRST = [
  'Emily',
  'Michael',
  'Sophia',
  'James',
  'Emma',
  'Olivia',
  'Alexander',
  'Ava',
  'Ethan',
  'Isabella',
  'Liam',
  'Mia',
  'Noah',
  'Chloé',
  'Lucas',
  'Zoë',
  'Mateo',
  'Amélie',
  'Jonas',
  'Aoife',
];
const LAST = [
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernández',
  'Lopez',
  'Gonzalez',
  'Wilson',
  "O'Brien",
  'Müller',
  'Nakamura',
  'Kowalski',
  'Dubois',
];
const CITIES: readonly (readonly [string, string, string, string])[] = [
  ['Phoenix', 'Arizona', 'AZ', 'United States'],
  ['Denver', 'Colorado', 'CO', 'United States'],
  ['Austin', 'Texas', 'TX', 'United States'],
  ['Seattle', 'Washington', 'WA', 'United States'],
  ['Boston', 'Massachusetts', 'MA', 'United States'],
  ['Chicago', 'Illinois', 'IL', 'United States'],
];
const STREETS = ['Maple Street', 'Oak Avenue', 'Pine Road', 'Cedar Lane', 'Elm Street', 'Birch Way'];
const CARD_TYPES = ['Visa', 'Mastercard', 'American Express', 'Discover', 'Elo', 'JCB'];

export interface EmulatedPerson {
  id: number;
  firstName: string;
  lastName: string;
  maidenName: string;
  age: number;
  gender: 'male' | 'female';
  email: string;
  phone: string;
  username: string;
  birthDate: string;
  image: string;
  address: {
    address: string;
    city: string;
    state: string;
    stateCode: string;
    postalCode: string;
    coordinates: { lat: number; lng: number };
    country: string;
  };
  bank: { cardExpire: string; cardNumber: string; cardType: string; currency: string; iban: string };
}

export function personFor(id: number): EmulatedPerson {
  const random = mulberry32(seedFor(id, 0x9e0e));
  const firstName = pick(random, FIRST);
  const lastName = pick(random, LAST);
  const year = intBetween(random, 1955, 2004);
  const [city, state, stateCode, country] = pick(random, CITIES);
  const login = `${firstName}.${lastName}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return {
    id,
    firstName,
    lastName,
    maidenName: chance(random, 0.3) ? pick(random, LAST) : '',
    age: 2026 - year,
    gender: chance(random, 0.5) ? 'female' : 'male',
    email: `${login}${id}@example.com`,
    phone: `+1 ${intBetween(random, 200, 999)}-${intBetween(random, 200, 999)}-${String(intBetween(random, 0, 9999)).padStart(4, '0')}`,
    username: `${login.replace('.', '')}${id}`,
    birthDate: `${year}-${intBetween(random, 1, 12)}-${intBetween(random, 1, 28)}`,
    image: `https://dummyjson.com/icon/${login.replace('.', '')}/128`,
    address: {
      address: `${intBetween(random, 1, 9999)} ${pick(random, STREETS)}`,
      city,
      state,
      stateCode,
      postalCode: String(intBetween(random, 10000, 99999)),
      coordinates: {
        lat: intBetween(random, 25_000, 48_000) / 1000,
        lng: -intBetween(random, 70_000, 122_000) / 1000,
      },
      country,
    },
    bank: {
      cardExpire: `${String(intBetween(random, 1, 12)).padStart(2, '0')}/${intBetween(random, 26, 32)}`,
      cardNumber: Array.from({ length: 16 }, (_, i) =>
        i === 0 ? intBetween(random, 3, 6) : intBetween(random, 0, 9),
      ).join(''),
      cardType: pick(random, CARD_TYPES),
      currency: pick(random, ['USD', 'EUR', 'GBP']),
      iban: `DE${String(intBetween(random, 10, 99))}${Array.from({ length: 18 }, () => intBetween(random, 0, 9)).join('')}`,
    },
  };
}
