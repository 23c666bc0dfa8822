import * as z from 'zod';

/**
 * The events this service exchanges with the admin service (`functions/catalog-admin/`), as the
 * messages carry them. The admin service keeps its own copy of this contract: the two services
 * share no code.
 */
export const PRODUCT_EVENT_KINDS = [
  'catalog.product_created',
  'catalog.product_updated',
  'catalog.product_deleted',
] as const;

export const PRODUCT_LIKED_KIND = 'catalog.product_liked';

/**
 * A product event: the product's whole state after the change (none for a delete) and its version,
 * which grows with every change, so applying the highest version seen is applying them in order.
 */
const eventFields = {
  eventId: z.uuid(),
  productId: z.number().int().positive(),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
};
export const productEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['product_created', 'product_updated']),
    ...eventFields,
    product: z.object({ title: z.string().min(1), image: z.url({ protocol: /^https?$/ }) }),
  }),
  z.object({ type: z.literal('product_deleted'), ...eventFields }),
]);
export type ProductEvent = z.infer<typeof productEventSchema>;

export interface ProductLiked {
  eventId: string;
  likeId: string;
  productId: number;
  occurredAt: string;
}
