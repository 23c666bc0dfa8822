import { createHash } from 'node:crypto';
import type { Child } from 'hono/jsx';

/**
 * Inline stylesheets the Content-Security-Policy allows by their hash (`style-src 'sha256-…'`),
 * so pages need neither `'unsafe-inline'` nor a stylesheet request. A page's styles are constants
 * of its module: registering them when the module loads puts their hashes in every CSP this
 * process sends, on the runner and in a Lambda bundle alike.
 */
const hashes = new Set<string>();

/**
 * Register `css` and get the `<style>` element that carries it.
 *
 * @example
 *   const NotesStyles = inlineStyle(notesCss); // at module level
 *   <Layout title="Notes"><NotesStyles />...</Layout>
 */
export function inlineStyle(css: string): () => Child {
  hashes.add(`'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`);
  return () => <style dangerouslySetInnerHTML={{ __html: css }} />;
}

/** The CSP sources of every registered stylesheet. */
export function inlineStyleSources(): string[] {
  return [...hashes];
}
