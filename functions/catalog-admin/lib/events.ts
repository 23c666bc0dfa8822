import * as z from 'zod';

/**
 * The events this service exchanges with the gallery (`functions/catalog/`), as the messages
 * carry them. The gallery keeps its own copy of this contract: the two services share no code.
 *
 * Product events carry the product's whole state and its version (bumped by every change), so
 * the gallery can apply them in version order and drop stale or repeated ones; a delete carries
 * the version the product would have had next.
 */
export const PRODUCT_EVENT_KINDS = {
  created: 'catalog.product_created',
  updated: 'catalog.product_updated',
  deleted: 'catalog.product_deleted',
} as const;

export const PRODUCT_LIKED_KIND = 'catalog.product_liked';

export type ProductChange = keyof typeof PRODUCT_EVENT_KINDS;

export interface ProductEvent {
  /** The change, as in the kind: `product_created`, `product_updated` or `product_deleted`. */
  type: `product_${ProductChange}`;
  /** Unique per event. */
  eventId: string;
  productId: number;
  version: number;
  /** The product after the change; absent for a delete. */
  product?: { title: string; image: string };
  occurredAt: string;
}

/** A like recorded by the gallery: counted once per `likeId`, however often it arrives. */
export const productLikedSchema = z.object({
  eventId: z.uuid(),
  likeId: z.uuid(),
  productId: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
});
