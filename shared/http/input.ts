import type { HonoRequest } from 'hono';
import * as z from 'zod';
import type { HttpDefinition } from '../contract/http.ts';
import { ValidationError } from '../errors.ts';
import { MalformedFormError, MalformedJsonError, UnsupportedMediaTypeError } from './errors.ts';
import { isFormContentType, isJsonContentType } from './wants-html.ts';

/** One validation problem, named by where it is: `params.id`, `query.limit`, `body.ids.0`. */
export interface ValidationDetail {
  path: string;
  message: string;
}

export interface RequestInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

export type InputReader = (req: HonoRequest) => Promise<RequestInput>;

type InputSchemas = Pick<HttpDefinition, 'params' | 'query' | 'body' | 'hidden'>;

/** JSON nested deeper than this is refused: no real request needs it, and deep values cost stack. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Build, once per route, the function that reads and validates a request's params, query
 * and body against the definition's zod schemas. Every part is checked before failing, so
 * one 400 lists all the problems.
 *
 * Before any schema runs, every value and key in every part is checked for what no schema
 * should have to think of: a NUL character (Postgres refuses it in text: a 500 later), JSON
 * nested deeper than MAX_INPUT_DEPTH, and, on API routes (the ones in the OpenAPI document,
 * i.e. not `hidden`), a query parameter the route does not declare: a typo such as `?limt=5` is
 * a 400 naming the allowed ones rather than silently ignored. Pages tolerate unknown parameters
 * (links from elsewhere carry `utm_*` and the like).
 *
 * Query strings and forms can repeat a key (`?tag=a&tag=b`). A field gets an array only when
 * its schema is an array; any other field gets the first value, so `?limit=5&limit=9` is
 * `limit: '5'` rather than a surprise array that fails validation.
 *
 * @example
 *   const read = createInputReader({ query: z.object({ limit: z.coerce.number().max(100) }) });
 *   const { query } = await read(c.req); // throws ValidationError (400) when limit > 100
 */
export function createInputReader(schemas: InputSchemas): InputReader {
  const { params, query, body } = schemas;
  const queryArrays = arrayFieldsOf(query);
  const bodyArrays = arrayFieldsOf(body);
  const allowedQuery = schemas.hidden ? undefined : fieldsOf(query);
  return async (req) => {
    // Read the body first: a body that cannot be parsed at all is its own 400 (MALFORMED_*).
    const rawBody = body ? await readBody(req, bodyArrays) : undefined;
    const raw = { params: req.param() as unknown, query: readQuery(req, queryArrays), body: rawBody };
    const refused: ValidationDetail[] = [];
    for (const [part, value] of Object.entries(raw)) refused.push(...unsafeValues(part, value));
    if (allowedQuery) refused.push(...unknownQueryParameters(raw.query, allowedQuery));
    if (refused.length > 0) throw new ValidationError(summarize(refused), { details: refused });

    const issues: ValidationDetail[] = [];
    const input: RequestInput = {
      params: params ? await check('params', params, raw.params, issues) : undefined,
      query: query ? await check('query', query, raw.query, issues) : undefined,
      body: body ? await check('body', body, rawBody, issues) : undefined,
    };
    if (issues.length > 0) throw new ValidationError(summarize(issues), { details: issues });
    return input;
  };
}

/**
 * NUL characters in strings or keys, and nesting past MAX_INPUT_DEPTH, anywhere in `value`.
 * Iterative, so no input can exhaust the stack while being checked.
 */
function unsafeValues(part: string, value: unknown): ValidationDetail[] {
  const found: ValidationDetail[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: part, depth: 0 }];
  while (pending.length > 0 && found.length < 10) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) found.push({ path, message: 'must not contain a NUL character (\\u0000)' });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      found.push({ path, message: `is nested more than ${MAX_INPUT_DEPTH} levels deep` });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = `${path}.${key.replaceAll('\0', '\\u0000').slice(0, 100)}`;
      if (key.includes('\0'))
        found.push({ path: childPath, message: 'has a NUL character (\\u0000) in its name' });
      pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return found;
}

function unknownQueryParameters(
  query: Record<string, unknown>,
  allowed: ReadonlySet<string>,
): ValidationDetail[] {
  const unknown = Object.keys(query).filter((name) => !allowed.has(name));
  if (unknown.length === 0) return [];
  const expected =
    allowed.size > 0 ? `allowed: ${[...allowed].join(', ')}` : 'this route takes no query parameters';
  return unknown.slice(0, 10).map((name) => ({
    path: `query.${name.slice(0, 100)}`,
    message: `is not a parameter of this route (${expected})`,
  }));
}

async function check(
  part: string,
  schema: z.ZodType,
  value: unknown,
  issues: ValidationDetail[],
): Promise<unknown> {
  // Async parse, so schemas with async refinements work too.
  const result = await schema.safeParseAsync(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ path: [part, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

function summarize(issues: ValidationDetail[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return `Invalid request: ${shown.join('; ')}${more}`;
}

const ACCEPTED_BODY_TYPES = 'application/json, application/x-www-form-urlencoded or multipart/form-data';

/**
 * JSON → parsed value; urlencoded or multipart → an object of fields; no body at all → `{}`
 * (`curl -X POST` sends neither a body nor a content type). A body in any other type, or
 * with no type, is refused with 415 rather than read as `{}`: a client sending JSON as
 * text/plain would otherwise see its fields silently ignored.
 */
async function readBody(req: HonoRequest, arrayFields: ReadonlySet<string>): Promise<unknown> {
  const contentType = req.header('content-type') ?? null;
  if (isJsonContentType(contentType)) {
    const text = await req.text();
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new MalformedJsonError(`Request body is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  if (isFormContentType(contentType)) {
    let form: Record<string, FormValue | FormValue[]>;
    try {
      form = await req.parseBody({ all: true });
    } catch (err) {
      throw new MalformedFormError('Request body is not a readable form', { cause: err });
    }
    return pickValues(Object.entries(form), arrayFields);
  }
  if ((await req.text()) === '') return {};
  // The type is client-chosen: cap what is echoed back.
  const problem = contentType
    ? `Content-Type ${contentType.slice(0, 100)} is not supported for the request body`
    : 'The request body has no Content-Type';
  throw new UnsupportedMediaTypeError(`${problem}; send ${ACCEPTED_BODY_TYPES}`);
}

type FormValue = string | File;

function readQuery(req: HonoRequest, arrayFields: ReadonlySet<string>): Record<string, unknown> {
  const first: Record<string, unknown> = req.query(); // first value per key, null prototype
  for (const key of arrayFields) {
    const all = req.queries(key);
    if (all) first[key] = all;
  }
  return first;
}

function pickValues<V>(
  entries: [string, V | V[]][],
  arrayFields: ReadonlySet<string>,
): Record<string, unknown> {
  // fromEntries defines own properties, so a field named `__proto__` stays a plain field.
  return Object.fromEntries(
    entries.map(([key, value]) => {
      if (arrayFields.has(key)) return [key, Array.isArray(value) ? value : [value]];
      return [key, Array.isArray(value) ? value[0] : value];
    }),
  );
}

/** The top-level field names of an object schema; undefined for a schema that is not one (no check). */
function fieldsOf(schema: z.ZodType | undefined): ReadonlySet<string> | undefined {
  if (!schema) return new Set();
  const object = unwrap(schema);
  return object instanceof z.ZodObject ? new Set(Object.keys(object.shape as object)) : undefined;
}

/** Names of the top-level fields whose schema is an array (through optional/default/pipe...). */
function arrayFieldsOf(schema: z.ZodType | undefined): ReadonlySet<string> {
  const object = schema && unwrap(schema);
  if (!(object instanceof z.ZodObject)) return new Set();
  const shape = object.shape as Record<string, z.ZodType>;
  return new Set(Object.keys(shape).filter((key) => unwrap(shape[key]!) instanceof z.ZodArray));
}

/** Look through wrappers that do not change what shape of input a schema accepts. */
function unwrap(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return def.innerType ? unwrap(def.innerType) : schema;
    case 'pipe':
      return def.in ? unwrap(def.in) : schema;
    default:
      return schema;
  }
}
