import * as z from 'zod';
import type { HttpDefinition } from '../contract/http.ts';
import { mountPath, type FunctionEntry, type Manifest } from '../runtime/manifest.ts';

/**
 * The OpenAPI 3.1 document, generated from the manifest: one operation per visible HTTP
 * function, schemas converted by zod's own `z.toJSONSchema()` (JSON Schema 2020-12, the
 * dialect OpenAPI 3.1 uses). Pure, so the Lambda build can write the same document to disk.
 *
 * @example
 *   const doc = buildOpenApi(await loadManifest(), { title: 'fnstack', version: '0.1.0' });
 *   doc.paths['/jobs/{id}']?.get?.operationId; // 'platform-get-job'
 */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
  /** Absent on public operations; either scheme proves who calls. */
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** Where an API client (and Swagger UI's Authorize) gets a bearer token: the OAuth2 password flow. */
export const TOKEN_URL = '/api/auth/login';

/**
 * How the API authenticates: a bearer token (a JWT from the token URL), which Swagger UI can also
 * fetch itself with the OAuth2 password flow. Both are the same token; listed twice so the docs
 * page can offer both "paste a token" and "sign in here".
 */
const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `A token from POST ${TOKEN_URL}`,
  },
  password: {
    type: 'oauth2',
    description: 'Sign in with your email and password; the token lasts JWT_TTL_S seconds.',
    flows: { password: { tokenUrl: TOKEN_URL, scopes: {} } },
  },
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code, e.g. VALIDATION_ERROR' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object' }, description: 'Field problems, for 400s' },
        correlationId: { type: 'string', description: 'Quote it when reporting a 5xx' },
      },
    },
  },
};

export function buildOpenApi(manifest: Manifest, info: OpenApiInfo): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const entry of manifest.http) {
    if (entry.definition.hidden) continue;
    tags.add(entry.app);
    const path = toOpenApiPath(mountPath(entry));
    (paths[path] ??= {})[entry.definition.method.toLowerCase()] = operationOf(entry);
  }
  return {
    openapi: '3.1.0',
    info,
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { schemas: { Error: errorSchema }, securitySchemes: SECURITY_SCHEMES },
  };
}

/** Hono path syntax → OpenAPI: `/jobs/:id`, `/posts/:id{[0-9]+}` and `/:lang?` → `{id}`, `{lang}`. */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(PATH_PARAM, '{$1}');
}

const PATH_PARAM = /:([A-Za-z0-9_]+)(?:\{(?:[^{}]|\{[^{}]*\})*\})?\??/g;

function operationOf(entry: FunctionEntry<HttpDefinition>): OpenApiOperation {
  const { definition } = entry;
  const parameters = [...pathParameters(entry), ...queryParameters(definition.query)];
  const hasInput = parameters.length > 0 || definition.body !== undefined;
  const closed = definition.auth !== 'public';
  const who = definition.auth === 'admin' ? 'Needs an admin.' : 'Needs a signed-in user.';
  const description = [definition.description, closed ? who : undefined].filter(Boolean).join(' ');
  return {
    operationId: entry.id,
    summary: definition.summary,
    ...(description ? { description } : {}),
    tags: [entry.app],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(definition.body ? { requestBody: requestBodyOf(definition.body) } : {}),
    responses: responsesOf(definition, hasInput),
    ...(closed ? { security: [{ bearer: [] }, { password: [] }] } : {}),
  };
}

function pathParameters(entry: FunctionEntry<HttpDefinition>): OpenApiParameter[] {
  const names = [...mountPath(entry).matchAll(PATH_PARAM)].map((m) => m[1]!);
  const properties = objectProperties(entry.definition.params);
  return names.map((name) => {
    const schema = properties?.schema[name] ?? { type: 'string' };
    return { name, in: 'path', required: true, ...describe(schema), schema };
  });
}

function queryParameters(query: z.ZodType | undefined): OpenApiParameter[] {
  const properties = objectProperties(query);
  if (!properties) return [];
  return Object.entries(properties.schema).map(([name, schema]) => ({
    name,
    in: 'query',
    required: properties.required.has(name),
    ...describe(schema),
    schema,
  }));
}

function requestBodyOf(body: z.ZodType): NonNullable<OpenApiOperation['requestBody']> {
  const schema = toJsonSchema(body, 'input');
  // Functions read both JSON and form posts into the same schema.
  const content = { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } };
  // A request without a body is read as `{}`: the body is required only if `{}` is not enough.
  const required = Array.isArray(schema.required) && schema.required.length > 0;
  return { required, content };
}

function responsesOf(definition: HttpDefinition, hasInput: boolean): OpenApiOperation['responses'] {
  const declared = definition.responses ?? { 200: { description: 'OK' } };
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, response] of Object.entries(declared)) {
    responses[status] = { description: response.description, ...contentOf(Number(status), response) };
  }
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: ERROR_REF } },
  });
  if (hasInput) responses['400'] ??= error('Invalid input');
  if (definition.auth !== 'public')
    responses['401'] ??= error('Not signed in, or the token is invalid or revoked');
  if (definition.auth === 'admin') responses['403'] ??= error('Signed in, but not an admin');
  return responses;
}

/** A declared schema, else the platform error shape for 4xx/5xx (every error answers with it). */
function contentOf(
  status: number,
  response: { schema?: z.ZodType; contentType?: string },
): { content?: Record<string, { schema?: JsonSchema }> } {
  const contentType = response.contentType ?? 'application/json';
  if (response.schema)
    return { content: { [contentType]: { schema: toJsonSchema(response.schema, 'output') } } };
  if (response.contentType) return { content: { [contentType]: {} } };
  if (status >= 400) return { content: { 'application/json': { schema: ERROR_REF } } };
  return {};
}

function objectProperties(
  schema: z.ZodType | undefined,
): { schema: Record<string, JsonSchema>; required: Set<string> } | undefined {
  if (!schema) return undefined;
  const json = toJsonSchema(schema, 'input');
  if (json.type !== 'object' || typeof json.properties !== 'object' || json.properties === null)
    return undefined;
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : []);
  return { schema: json.properties as Record<string, JsonSchema>, required };
}

/** Hoist a property's `description` onto the parameter, where Swagger UI shows it. */
function describe(schema: JsonSchema): { description?: string } {
  return typeof schema.description === 'string' ? { description: schema.description } : {};
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // `unrepresentable: 'any'`: a transform or a Date becomes `{}` instead of failing the whole document.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}
