import { html, type HttpRequest } from '../../../shared/contract/index.ts';
import { CsrfField, pageViewer, type PageViewer } from '../../../shared/http/views/index.ts';
import { MAX_IMAGE_URL_LENGTH, MAX_TITLE_LENGTH } from '../lib/model.ts';
import { LIST_PATH, PRODUCTS_FORM_PATH, productPagePath } from '../lib/paths.ts';
import { AdminLayout } from './admin-layout.tsx';

export interface ProductFormProps {
  /** Where the form posts: the create or the edit route. */
  action: string;
  heading: string;
  submitLabel: string;
  values: { title: string; image: string };
  /** Messages by field, from a refused post. */
  errors?: Partial<Record<'title' | 'image', string>> | undefined;
  viewer: PageViewer;
}

/** The new product form, and the edit form of product `id`: where they post, what they say. */
export const NEW_PRODUCT_FORM = { action: PRODUCTS_FORM_PATH, heading: 'New product', submitLabel: 'Create' };
export const editProductForm = (id: number, title = 'product') => ({
  action: productPagePath(id, 'edit'),
  heading: `Edit ${title}`,
  submitLabel: 'Save',
});

/** The form page as an answer: 200 to fill it in, 400 with the messages of a refused post. */
export async function productFormAnswer(
  req: Pick<HttpRequest<unknown, unknown, unknown>, 'user' | 'csrfToken' | 'url'>,
  form: Omit<ProductFormProps, 'viewer'>,
  status: 200 | 400 = 200,
): Promise<Response> {
  return html(<ProductFormPage {...form} viewer={await pageViewer(req)} />, status);
}

/** The create and edit form: title and image URL, with the messages of a refused post beside them. */
export function ProductFormPage(props: ProductFormProps) {
  const { values, errors = {} } = props;
  return (
    <AdminLayout title={props.heading} viewer={props.viewer}>
      <p class="small">
        <a href={LIST_PATH}>← Products</a>
      </p>
      <div class="page-head">
        <h1>{props.heading}</h1>
      </div>
      <section class="card">
        {Object.keys(errors).length > 0 ? (
          <p class="flash flash-error" role="alert">
            The product was not saved: correct the fields below.
          </p>
        ) : null}
        <form class="product-form" method="post" action={props.action}>
          <CsrfField token={props.viewer.csrfToken} />
          <Field
            name="title"
            label="Title"
            value={values.title}
            error={errors.title}
            maxlength={MAX_TITLE_LENGTH}
          />
          <Field
            name="image"
            label="Image URL (http or https)"
            type="url"
            value={values.image}
            error={errors.image}
            maxlength={MAX_IMAGE_URL_LENGTH}
            placeholder="https://example.com/picture.jpg"
          />
          {values.image && !errors.image ? (
            <img class="preview" src={values.image} alt="Current image" />
          ) : null}
          <div class="actions">
            <button class="btn btn-primary" type="submit">
              {props.submitLabel}
            </button>
            <a class="cancel" href={LIST_PATH}>
              Cancel
            </a>
          </div>
        </form>
      </section>
    </AdminLayout>
  );
}

/** A required text field and, after a refused post, its message (tied to it for screen readers). */
function Field(props: {
  name: 'title' | 'image';
  label: string;
  value: string;
  error: string | undefined;
  maxlength: number;
  type?: 'url';
  placeholder?: string;
}) {
  const errorId = `${props.name}-error`;
  return (
    <>
      <label>
        {props.label}
        <input
          name={props.name}
          type={props.type}
          value={props.value}
          required
          maxlength={props.maxlength}
          placeholder={props.placeholder}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? errorId : undefined}
        />
      </label>
      {props.error ? (
        <p id={errorId} class="field-error">
          {props.name === 'title' ? 'Title' : 'Image'}: {props.error}
        </p>
      ) : null}
    </>
  );
}
