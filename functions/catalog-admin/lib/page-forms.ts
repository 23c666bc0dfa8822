import * as z from 'zod';
import { redirect } from '../../../shared/contract/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { productInputSchema, type ProductInput } from './model.ts';
import { LIST_PATH } from './paths.ts';

/**
 * The admin page forms. Their bodies are taken loosely (any text) so that a refused value comes
 * back as the form with a message beside its field, not as the platform's JSON 400; the handlers
 * then check them with the API's own schema.
 */
const text = z.string().max(10_000).optional();
export const productFormBody = z.object({ title: text, image: text });
export type ProductFormBody = z.infer<typeof productFormBody>;

export type ProductFormCheck =
  | { ok: true; input: ProductInput }
  | {
      ok: false;
      values: { title: string; image: string };
      errors: Partial<Record<'title' | 'image', string>>;
    };

export function checkProductForm(body: ProductFormBody): ProductFormCheck {
  const values = { title: body.title ?? '', image: body.image ?? '' };
  const parsed = productInputSchema.safeParse(values);
  if (parsed.success) return { ok: true, input: parsed.data };
  const errors: Partial<Record<'title' | 'image', string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if ((field === 'title' || field === 'image') && !errors[field]) errors[field] = issue.message;
  }
  return { ok: false, values, errors };
}

/** Back to the product list with a message. */
export const toList = (type: 'success' | 'error', message: string) =>
  redirect(LIST_PATH, { flash: { type, message } });

/** A product deleted meanwhile (another tab, another admin) is a message on the list, not an error page. */
export async function orProductGone(action: () => Promise<Response>): Promise<Response> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    return toList('error', 'That product no longer exists.');
  }
}
