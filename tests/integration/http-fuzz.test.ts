import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthTestApp } from '../helpers/auth.ts';
import { dbBackends } from '../helpers/db.ts';

/**
 * Every operation of the OpenAPI document, fuzzed with fast-check: path parameters, declared and
 * undeclared query parameters, and JSON and form bodies shaped like the documented schema but
 * filled with hostile values (NUL and control characters, lone surrogates, huge and odd numbers,
 * very long strings, deep JSON, wrong types, `__proto__` keys), sent anonymously, as a user and as
 * an admin. Whatever arrives, the answer is never a 5xx, and a refusal is a JSON error.
 *
 * CI runs a fixed seed (reproducible); elsewhere each run explores new inputs. A failure prints
 * the seed and the shrunk request: `FUZZ_SEED=<seed> npx vitest run tests/integration/http-fuzz.test.ts`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261205 : undefined;

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  body?: { types: string[]; schema: JsonSchema };
}

/** Strings Postgres, JSON, URLs and number parsing each choke on, in families of equal weight. */
const HOSTILE_STRING_FAMILIES: string[][] = [
  ['\u0000', 'a\u0000b', '\u0000\u0000', 'x'.repeat(30) + '\u0000'],
  ['\u0001\u0007\u001b[31m\u007f', '\t\r\n', '\u2028\u2029', '\uFEFF\u202E'],
  ['\uD800', 'x\uDFFFy', '\uDBFF\uDBFF', '\uDC00a'],
  ['1e400', '-1e400', '99999999999999999999', '-9223372036854775809', 'NaN', 'Infinity', '0x1F', '1.5', '-0'],
  ['', ' ', "' or '1'='1' --", '../../etc/passwd', '%00', '<script>alert(1)</script>'],
  ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '2026-02-30'],
];

const hostileString = fc.oneof(
  ...HOSTILE_STRING_FAMILIES.map((family) => ({ arbitrary: fc.constantFrom(...family), weight: 2 })),
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER - 2,
    2 ** 31,
    -(2 ** 31) - 1,
    0.5,
    -0,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, including ones a schema never expects (objects, arrays, null, `__proto__`). */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: hostileNumber, weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  {
    arbitrary: fc.constant(
      JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}') as unknown,
    ),
    weight: 1,
  },
  { arbitrary: fc.array(hostileString, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }), weight: 1 },
);

const UUID = fc.uuid();

/**
 * What the schema accepts, with at most one field replaced by a hostile value (or an extra field
 * added): a request that passes everything else, so the hostile value reaches as deep as it can.
 */
function withOneHostile(
  valid: fc.Arbitrary<Record<string, unknown>>,
  names: string[],
): fc.Arbitrary<Record<string, unknown>> {
  const field = fc.constantFrom(...names, '__proto__', 'unexpected');
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    {
      arbitrary: fc
        .tuple(valid, field, hostileJson)
        .map(([value, name, hostile]) => ({ ...value, [name]: hostile })),
      weight: 4,
    },
  );
}

function validFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.anyOf?.[0]) return validFor(schema.anyOf[0]);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.format === 'uuid') return UUID;
  const type = [schema.type].flat()[0];
  if (type === 'integer') return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
  if (type === 'number')
    return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
  if (type === 'boolean') return fc.boolean();
  if (type === 'array') return fc.array(validFor(schema.items ?? {}), { maxLength: 3 });
  if (type === 'object') return objectFor(schema);
  return fc.string({ minLength: 1, maxLength: 20 });
}

function objectFor(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, validFor(property)]),
  );
  return fc.record(properties);
}

/** A raw body: JSON of the schema's shape, deeply nested JSON, broken JSON, or a form. */
function bodyFor(body: NonNullable<Operation['body']>): fc.Arbitrary<{ type: string; text: string }> {
  const json = objectFor(body.schema).map((value) => ({
    type: 'application/json',
    text: JSON.stringify(value),
  }));
  const deep = fc.integer({ min: 33, max: 20_000 }).map((depth) => ({
    type: 'application/json',
    text: '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}',
  }));
  const broken = hostileString.map((text) => ({ type: 'application/json', text: `{"a": "${text}` }));
  const form = fc
    .dictionary(
      fc.constantFrom(...Object.keys(body.schema.properties ?? { x: {} }), 'extra'),
      hostileString,
      {
        maxKeys: 4,
      },
    )
    .map((fields) => ({
      type: 'application/x-www-form-urlencoded',
      text: new URLSearchParams(fields).toString(),
    }));
  return fc.oneof({ arbitrary: json, weight: 6 }, deep, broken, form);
}

function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, raw]) => {
      const operation = raw as {
        parameters?: { name: string; in: string; schema: JsonSchema }[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
      };
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content;
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        ...(content
          ? { body: { types: Object.keys(content), schema: Object.values(content)[0]!.schema } }
          : {}),
      };
    }),
  );
}

describe.each(dbBackends)('every API operation under hostile input, on %s', (backend) => {
  let t: Awaited<ReturnType<typeof createAuthTestApp>>;
  let operations: Operation[];
  const identities: Record<string, Record<string, string>> = { anonymous: {} };

  beforeAll(async () => {
    // Generous login limits: the fuzzer's guesses must not turn every later login into a 429.
    t = await createAuthTestApp(backend, { LOGIN_MAX_FAILURES: '1000' });
    const { users, tokens } = t.platform.auth;
    const user = await users.register({ email: 'fuzz-user@example.com', password: 'fuzz-user-password' });
    const { user: admin } = await users.ensureAdmin({
      email: 'fuzz-admin@example.com',
      password: 'fuzz-admin-password',
    });
    identities.user = { authorization: `Bearer ${(await tokens.issue(user)).access_token}` };
    identities.admin = { authorization: `Bearer ${(await tokens.issue(admin)).access_token}` };
    const document = (await (await t.app.request('/openapi.json')).json()) as Parameters<
      typeof operationsOf
    >[0];
    operations = operationsOf(document);
  }, 60_000);
  afterAll(() => t?.close());

  it('answers every operation below 500, with a JSON error for every refusal', async () => {
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) {
      const request = fc.record({
        identity: fc.constantFrom('anonymous', 'user', 'admin', 'admin'),
        params: fc.tuple(...operation.pathParams.map(() => fc.oneof(UUID, hostileString))),
        query: withOneHostile(objectFor({ properties: operation.query }), Object.keys(operation.query)),
        // Mostly none: an undeclared parameter is refused before anything else is looked at.
        extraQuery: fc.oneof(
          { arbitrary: fc.constant(null), weight: 7 },
          { arbitrary: fc.tuple(hostileString, hostileString), weight: 1 },
        ),
        body: operation.body ? fc.option(bodyFor(operation.body), { freq: 8 }) : fc.constant(null),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ identity, params, query, extraQuery, body }) => {
          let path = operation.path;
          operation.pathParams.forEach((name, i) => {
            path = path.replace(`{${name}}`, percentEncoded(String(params[i])));
          });
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries(query)) search.append(name, stringFor(value));
          if (extraQuery) search.append(extraQuery[0], extraQuery[1]);
          const headers: Record<string, string> = { accept: 'application/json', ...identities[identity] };
          if (body) headers['content-type'] = body.type;
          const res = await t.app.request(`${path}?${search}`, {
            method: operation.method,
            headers,
            ...(body ? { body: body.text } : {}),
          });
          const text = await res.text();
          const where = `${operation.method} ${path}?${search} as ${identity}: ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers.get('content-type'), where).toMatch(/application\/json/);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    }
  }, 300_000);
});

/** Every byte of the UTF-8 form percent-encoded (encodeURIComponent throws on a lone surrogate). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

function stringFor(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
