import { randomUUID } from 'node:crypto';
import type { Publisher } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import type { Db, Queryable } from '../../../shared/db/port.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { PRODUCT_LIKED_KIND, type ProductLiked } from './events.ts';

/** A product as the gallery shows it: the replica's fields and the likes recorded here. */
export interface GalleryProduct {
  id: number;
  title: string;
  image: string;
  likes: number;
  /** Whether the asking user has liked it (false for an anonymous visitor). */
  liked: boolean;
}

/** Products the gallery shows, with their likes and whether user `$1` (null: nobody) likes each. */
const SELECT_SHOWN = `
  select p.id, p.title, p.image,
         (select count(*)::int from catalog.likes l where l.product_id = p.id) as likes,
         exists (select 1 from catalog.likes l where l.product_id = p.id and l.user_id = $1) as liked
    from catalog.products p where not p.deleted`;

/** The products that are not deleted, newest first, with their likes; `userId` marks its own. */
export async function listGallery(
  db: Queryable,
  options: { limit: number; offset: number; userId?: string | undefined },
): Promise<Page<GalleryProduct>> {
  const [{ rows }, counted] = await Promise.all([
    db.query<GalleryProduct>(`${SELECT_SHOWN} order by p.id desc limit $2 offset $3`, [
      options.userId ?? null,
      options.limit,
      options.offset,
    ]),
    db.query<{ total: number }>(`select count(*)::int as total from catalog.products where not deleted`),
  ]);
  return { items: rows, total: counted.rows[0]!.total, limit: options.limit, offset: options.offset };
}

/**
 * Record `userId`'s like of a product and announce it to the admin service, in one transaction
 * (the event goes through the outbox). The unique (product, user) key makes concurrent clicks one
 * like: the others find it and are refused. NotFoundError for a product the gallery does not show,
 * ValidationError when the user already likes it.
 */
export function likeProduct(
  ctx: { db: Db; queue: Publisher },
  productId: number,
  userId: string,
): Promise<GalleryProduct> {
  return ctx.db.transaction(async (tx) => {
    const { rows: found } = await tx.query<{ id: number }>(
      `select id from catalog.products where id = $1 and not deleted for share`,
      [productId],
    );
    if (!found[0]) throw new NotFoundError(`product ${productId} not found`);
    const likeId = randomUUID();
    const { rowCount } = await tx.query(
      `insert into catalog.likes (id, product_id, user_id) values ($1, $2, $3)
       on conflict (product_id, user_id) do nothing`,
      [likeId, productId, userId],
    );
    if (rowCount === 0) throw new ValidationError('you already like this product');
    const event: ProductLiked = {
      eventId: randomUUID(),
      likeId,
      productId,
      occurredAt: new Date().toISOString(),
    };
    await ctx.queue.publish(PRODUCT_LIKED_KIND, event, { tx });
    return galleryProduct(tx, productId, userId);
  });
}

export async function galleryProduct(
  db: Queryable,
  productId: number,
  userId?: string,
): Promise<GalleryProduct> {
  const { rows } = await db.query<GalleryProduct>(`${SELECT_SHOWN} and p.id = $2`, [
    userId ?? null,
    productId,
  ]);
  if (!rows[0]) throw new NotFoundError(`product ${productId} not found`);
  return rows[0];
}
