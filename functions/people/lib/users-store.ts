import type { Page } from '../../../shared/contract/pagination.ts';
import type { Queryable } from '../../../shared/db/port.ts';
import { maskedNumber } from './cards.ts';
import type { Person } from './schemas.ts';

/** People as the API and the page show them: with their address and masked card. */

const SELECT = `
  select u.id::text, u.external_id, u.first_name, u.last_name, u.email, u.phone, u.username,
         u.birth_date::text, u.gender, u.image, u.missing_since, u.updated_at,
         a.address, a.city, a.state, a.state_code, a.postal_code, a.country,
         c.brand, c.last4, c.exp_month, c.exp_year
    from people.users u
    left join people.addresses a on a.user_id = u.id
    left join people.cards c on c.user_id = u.id`;

export async function listPeople(
  db: Queryable,
  options: { limit: number; offset: number; hasAddress?: boolean | undefined; hasCard?: boolean | undefined },
): Promise<Page<Person>> {
  const where = `where ($1::boolean is null or (a.id is not null) = $1) and ($2::boolean is null or (c.id is not null) = $2)`;
  const [{ rows }, counted] = await Promise.all([
    db.query<PersonRow>(`${SELECT} ${where} order by u.id limit $3 offset $4`, [
      options.hasAddress ?? null,
      options.hasCard ?? null,
      options.limit,
      options.offset,
    ]),
    db.query<{ total: number }>(
      `select count(*)::int as total from people.users u
         left join people.addresses a on a.user_id = u.id left join people.cards c on c.user_id = u.id ${where}`,
      [options.hasAddress ?? null, options.hasCard ?? null],
    ),
  ]);
  return {
    items: rows.map(toPerson),
    total: counted.rows[0]!.total,
    limit: options.limit,
    offset: options.offset,
  };
}

export async function findPerson(db: Queryable, id: string): Promise<Person | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<PersonRow>(`${SELECT} where u.id = $1`, [id]);
  return rows[0] && toPerson(rows[0]);
}

interface PersonRow {
  id: string;
  external_id: string | number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  username: string | null;
  birth_date: string | null;
  gender: string | null;
  image: string | null;
  missing_since: Date | string | null;
  updated_at: Date | string;
  address: string | null;
  city: string | null;
  state: string | null;
  state_code: string | null;
  postal_code: string | null;
  country: string | null;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
}

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    externalId: Number(row.external_id),
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    username: row.username,
    birthDate: row.birth_date,
    gender: row.gender,
    image: row.image,
    missingSince: row.missing_since === null ? null : new Date(row.missing_since).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    address:
      row.address === null
        ? null
        : {
            address: row.address,
            city: row.city ?? '',
            state: row.state,
            stateCode: row.state_code,
            postalCode: row.postal_code,
            country: row.country,
          },
    card:
      row.last4 === null
        ? null
        : {
            brand: row.brand ?? '',
            number: maskedNumber(row.last4),
            expires: `${String(row.exp_month).padStart(2, '0')}/${row.exp_year}`,
          },
  };
}
