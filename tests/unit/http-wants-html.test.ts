import { describe, expect, it } from 'vitest';
import { correlationIdFrom } from '../../shared/http/correlation.ts';
import { isJsonContentType, wantsHtml } from '../../shared/http/wants-html.ts';

const FORM = 'application/x-www-form-urlencoded';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

describe('wantsHtml', () => {
  it.each([
    ['a browser navigation', { accept: BROWSER_ACCEPT }, true],
    ['an htmx request (Accept */*)', { accept: '*/*', 'hx-request': 'true' }, true],
    ['a plain form post', { 'content-type': FORM, accept: BROWSER_ACCEPT }, true],
    ['a form post from curl (Accept */*)', { 'content-type': FORM, accept: '*/*' }, true],
    ['a multipart form post', { 'content-type': 'multipart/form-data; boundary=x' }, true],
    ['html preferred by q', { accept: 'application/json;q=0.5, text/html' }, true],
    ['an API call', { accept: 'application/json' }, false],
    ['json preferred by q', { accept: 'text/html;q=0.1, application/json' }, false],
    ['a form post that asks for JSON', { 'content-type': FORM, accept: 'application/json' }, false],
    ['curl with no preference', { accept: '*/*' }, false],
    ['no headers at all', {}, false],
    ['a JSON post', { 'content-type': 'application/json', accept: '*/*' }, false],
    ['case-insensitive media types', { accept: 'Text/HTML' }, true],
  ])('%s → %s', (_name, headers, expected) => {
    expect(wantsHtml(new Headers(headers))).toBe(expected);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/problem+json', true],
    ['text/json', false],
    ['text/plain', false],
  ])('%s → %s', (type, expected) => {
    expect(isJsonContentType(type)).toBe(expected);
  });
});

describe('correlationIdFrom', () => {
  it('prefers x-correlation-id over x-request-id', () => {
    const headers = new Headers({ 'x-correlation-id': 'a', 'x-request-id': 'b' });
    expect(correlationIdFrom(headers)).toBe('a');
  });

  it.each([['has space'], ['<script>'], ['quote"'], ['a'.repeat(129)]])('replaces %j with a uuid', (id) => {
    const generated = correlationIdFrom(new Headers({ 'x-correlation-id': id }));
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
