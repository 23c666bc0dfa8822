import { randomUUID } from 'node:crypto';
import type { Publisher } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import type { Db, Queryable, Tx } from '../../../shared/db/port.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { PRODUCT_EVENT_KINDS, type ProductChange, type ProductEvent } from './events.ts';
import type { Product, ProductInput } from './model.ts';

/**
 * The admin service's products. Every change commits together with its event: the event is written
 * to the transactional outbox in the change's transaction (`publish(..., { tx })`), so a rolled-back
 * change announces nothing and a committed one is announced even if the process dies right after.
 */
type Writer = { db: Db; queue: Publisher };

const COLUMNS = `id, title, image, likes`;

export async function listProducts(
  db: Queryable,
  page: { limit: number; offset: number },
): Promise<Page<Product>> {
  const [{ rows }, counted] = await Promise.all([
    db.query<Product>(`select ${COLUMNS} from catalog_admin.products order by id desc limit $1 offset $2`, [
      page.limit,
      page.offset,
    ]),
    db.query<{ total: number }>(`select count(*)::int as total from catalog_admin.products`),
  ]);
  return { items: rows, total: counted.rows[0]!.total, limit: page.limit, offset: page.offset };
}

export async function getProduct(db: Queryable, id: number): Promise<Product> {
  const { rows } = await db.query<Product>(`select ${COLUMNS} from catalog_admin.products where id = $1`, [
    id,
  ]);
  if (!rows[0]) throw new NotFoundError(`product ${id} not found`);
  return rows[0];
}

export function createProduct(ctx: Writer, input: ProductInput): Promise<Product> {
  return ctx.db.transaction((tx) => insertProduct(ctx.queue, tx, input));
}

/** A new product and its event, in the caller's transaction. */
export async function insertProduct(queue: Publisher, tx: Tx, input: ProductInput): Promise<Product> {
  const { rows } = await tx.query<Product & { version: number }>(
    `insert into catalog_admin.products (title, image) values ($1, $2) returning ${COLUMNS}, version`,
    [input.title, input.image],
  );
  return announce(queue, tx, 'created', rows[0]!);
}

export function updateProduct(ctx: Writer, id: number, input: ProductInput): Promise<Product> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<Product & { version: number }>(
      `update catalog_admin.products set title = $2, image = $3, version = version + 1, updated_at = now()
        where id = $1 returning ${COLUMNS}, version`,
      [id, input.title, input.image],
    );
    if (!rows[0]) throw new NotFoundError(`product ${id} not found`);
    return announce(ctx.queue, tx, 'updated', rows[0]);
  });
}

export function deleteProduct(ctx: Writer, id: number): Promise<Product> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<Product & { version: number }>(
      `delete from catalog_admin.products where id = $1 returning ${COLUMNS}, version + 1 as version`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError(`product ${id} not found`);
    return announce(ctx.queue, tx, 'deleted', rows[0]);
  });
}

/** The change's event, into the outbox in the change's transaction. */
async function announce(
  queue: Publisher,
  tx: Tx,
  change: ProductChange,
  row: Product & { version: number },
): Promise<Product> {
  const { version, ...product } = row;
  const event: ProductEvent = {
    type: `product_${change}`,
    eventId: randomUUID(),
    productId: product.id,
    version,
    ...(change === 'deleted' ? {} : { product: { title: product.title, image: product.image } }),
    occurredAt: new Date().toISOString(),
  };
  await queue.publish(PRODUCT_EVENT_KINDS[change], event, { tx });
  return product;
}

/**
 * Count one like, once: a like id seen before (the event delivered again) changes nothing. A like
 * of a product deleted since is remembered but has nothing to count on. True when it counted.
 */
export async function countLike(
  tx: Queryable,
  like: { likeId: string; productId: number },
): Promise<boolean> {
  const { rows } = await tx.query<{ counted: boolean }>(
    `with seen as (
       insert into catalog_admin.counted_likes (like_id, product_id) values ($1, $2)
       on conflict (like_id) do nothing returning product_id
     ), counted as (
       update catalog_admin.products set likes = likes + 1
        where id = (select product_id from seen) returning id
     )
     select exists (select 1 from counted) as counted`,
    [like.likeId, like.productId],
  );
  return rows[0]!.counted;
}
