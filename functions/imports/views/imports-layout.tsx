import type { Child } from 'hono/jsx';
import type { FlashMessage } from '../../../shared/contract/index.ts';
import { inlineStyle, Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import { PAGE_PATH } from '../lib/paths.ts';
import { importsCss } from './styles.ts';

// Registered at load, so its hash is in the CSP of every answer (shared/http/views/inline-style.tsx).
const ImportsStyles = inlineStyle(importsCss);

/** The shell of the Imports pages: the platform's Layout plus the app's few styles. */
export function ImportsLayout(props: {
  title: string;
  viewer: PageViewer;
  flash?: readonly FlashMessage[];
  children?: Child;
}) {
  return (
    <Layout title={props.title} flash={props.flash ?? []} current={PAGE_PATH} viewer={props.viewer}>
      <ImportsStyles />
      {props.children}
    </Layout>
  );
}
