import { CsrfField, type PageViewer } from '../../../shared/http/views/index.ts';
import { MAX_IMAGE_URL_LENGTH, MAX_TITLE_LENGTH } from '../lib/model.ts';
import { LIST_PATH } from '../lib/paths.ts';
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

/** The create and edit form: title and image URL, with the messages of a refused post beside them. */
export function ProductFormPage(props: ProductFormProps) {
  const { values, errors = {} } = props;
  const invalid = (field: 'title' | 'image') => (errors[field] ? 'true' : undefined);
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
          <label>
            Title
            <input
              name="title"
              value={values.title}
              required
              maxlength={MAX_TITLE_LENGTH}
              aria-invalid={invalid('title')}
              aria-describedby={errors.title ? 'title-error' : undefined}
            />
          </label>
          {errors.title ? (
            <p id="title-error" class="field-error">
              Title: {errors.title}
            </p>
          ) : null}
          <label>
            Image URL (http or https)
            <input
              name="image"
              type="url"
              value={values.image}
              required
              maxlength={MAX_IMAGE_URL_LENGTH}
              placeholder="https://example.com/picture.jpg"
              aria-invalid={invalid('image')}
              aria-describedby={errors.image ? 'image-error' : undefined}
            />
          </label>
          {errors.image ? (
            <p id="image-error" class="field-error">
              Image: {errors.image}
            </p>
          ) : null}
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
