export { Layout, SITE_NAME } from './layout.tsx';
export type { LayoutProps } from './layout.tsx';
export { FlashMessages } from './flash-messages.tsx';
export { partial } from './partial.ts';
export { baseCss } from './styles.ts';
export { inlineStyle } from './inline-style.tsx';
export { TableScroll } from './table-scroll.tsx';
export { Pager } from './pager.tsx';
export { BarChart, type Bar } from './bar-chart.tsx';
export { Sparkline } from './sparkline.tsx';
export {
  CsrfField,
  htmxCsrfHeaders,
  pageViewer,
  SignOutForm,
  signInHref,
  type PageViewer,
} from './viewer.tsx';
export { APP_LISTINGS } from './app-nav.ts';
