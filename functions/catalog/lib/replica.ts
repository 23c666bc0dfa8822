import type { Queryable } from '../../../shared/db/port.ts';
import type { ProductEvent } from './events.ts';

/**
 * The gallery's replica of the admin service's products, written only by its events. Each event
 * carries the product's whole state and version, and a row changes only for a higher version than
 * it holds: applying events in any order, each any number of times, ends where applying them once
 * in version order ends. A delete leaves a tombstone (its version, `deleted`), so an update that
 * arrives after it is older and ignored; a delete that arrives first leaves a tombstone that the
 * product's create, arriving later with a lower version, cannot bring back.
 *
 * @returns whether the event changed the replica (false: stale or a repeat).
 */
export async function applyProductEvent(db: Queryable, event: ProductEvent): Promise<boolean> {
  const deleted = event.type === 'product_deleted';
  const product = event.type === 'product_deleted' ? undefined : event.product;
  const { rowCount } = await db.query(
    `insert into catalog.products as p (id, title, image, version, deleted)
     values ($1, $2, $3, $4, $5)
     on conflict (id) do update set
       title = excluded.title, image = excluded.image,
       version = excluded.version, deleted = excluded.deleted, updated_at = now()
     where p.version < excluded.version`,
    // A tombstone keeps nothing but its version: the same row whichever order the events came in.
    [event.productId, product?.title ?? '', product?.image ?? '', event.version, deleted],
  );
  return rowCount === 1;
}
