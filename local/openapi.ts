import { routes } from '../functions/routes';
import { ERROR_CODES, errorDetailsSchema, type ErrorCode } from '../functions/shared/errors';
import { errorBodySchema } from '../functions/shared/http/error-response';
import { routeErrors } from '../functions/shared/http/route-errors';
import type { RouteDefinition } from '../functions/shared/http/route';
import { MAX_PAGE_SIZE } from '../functions/shared/pagination';
import * as z from '../functions/shared/zod';

type JsonObject = Record<string, unknown>;

/**
 * A record keyed by an enum (`byCategory`, `byRequestType`) has every key: zod exports it with `propertyNames` and
 * `required` but no `properties`, which typed clients read as a map of unknown keys. Each key becomes a property.
 */
const recordKeysAsProperties = (ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonObject }): void => {
  const def = ctx.zodSchema._zod.def as { type: string; keyType?: z.core.$ZodType };
  const keys = (def.keyType?._zod.def as { type: string; entries?: Record<string, string> } | undefined)?.entries;
  if (def.type !== 'record' || def.keyType?._zod.def.type !== 'enum' || !keys) return;
  const { propertyNames: _keys, additionalProperties: value, ...rest } = ctx.jsonSchema;
  Object.assign(ctx.jsonSchema, rest, {
    properties: Object.fromEntries(Object.values(keys).map((key) => [key, value])),
    required: Object.values(keys),
    additionalProperties: false,
  });
  delete ctx.jsonSchema.propertyNames;
};

const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output'): JsonObject => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: recordKeysAsProperties,
  });
  return rest;
};

/** What the shared query parameters mean, wherever a route takes them. */
const PARAMETER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  cursor: "The previous page's `cursor` (absent on the last page); a cursor opens only on the list that issued it",
  page_size: `Items per page, 1 to ${MAX_PAGE_SIZE}`,
  pageSize: 'Alias of `page_size`',
};

const parametersOf = (schema: z.core.$ZodType | undefined, where: 'query' | 'path'): JsonObject[] => {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(where === 'query' && PARAMETER_DESCRIPTIONS[name] ? { description: PARAMETER_DESCRIPTIONS[name] } : {}),
    schema: property,
  }));
};

const header = (description: string): JsonObject => ({ description, schema: { type: 'string' } });

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  422: 'Unprocessable',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Unavailable',
  504: 'Gateway timeout',
};

/** One error status of an operation: its codes (each with what it means), and Retry-After where a code sets it. */
const errorResponse = (status: number, codes: readonly ErrorCode[]): JsonObject => ({
  description: `${STATUS_TEXT[status] ?? `Status ${status}`}. ${codes
    .map((code) => `\`${code}\`: ${ERROR_CODES[code].meaning}`)
    .join('. ')}.`,
  ...(codes.some((code) => 'retryAfter' in ERROR_CODES[code])
    ? { headers: { 'Retry-After': header('Seconds to wait before trying again') } }
    : {}),
  content: {
    'application/json': {
      schema: {
        allOf: [
          { $ref: '#/components/schemas/Error' },
          { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
        ],
      },
    },
  },
});

/** A GET answers with an ETag, and `304` without a body when If-None-Match names it (cheap polling). */
const conditionalGet = {
  parameter: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'The ETag of an earlier answer: 304 without a body while it is unchanged',
    schema: { type: 'string' },
  },
  notModified: {
    description: 'Not modified: the answer is the one the ETag names',
    headers: { ETag: header("The unchanged answer's entity tag") },
  },
} as const;

/** An idempotent route's Idempotency-Key header. */
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Names the request so it can be sent again safely: the same key (per user and route) within 24 h answers the ' +
    'first status and body (with `idempotency-replayed: true`) and runs nothing again',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

/** Who may call an operation, stated in its description (and its `x-required-role`). */
const accessOf = (route: RouteDefinition): string => {
  switch (route.auth) {
    case 'none':
      return 'Public: no token needed.';
    case 'user':
      return "Role `user`: any signed-in user, on the token's tenant.";
    case 'admin':
      return (
        `Role \`admin\` of the tenant in ${route.tenantQuery === undefined ? `\`{${route.tenantParam}}\`` : `\`?${route.tenantQuery}=\` (absent: the token's tenant)`} ` +
        "(a tenant's administrator acts on their own tenant only), or `platform-admin` (any tenant); anyone else gets 403."
      );
    case 'platform-admin':
      return "Role `platform-admin` (a platform administrator); anyone else, a tenant's `admin` too, gets 403.";
  }
};

const SUCCESS_TEXT: Readonly<Record<number, string>> = {
  200: 'Success',
  201: 'Created',
  202: 'Accepted: the job, to poll at its Location',
  204: 'Done; no content',
};

/**
 * The success answer of an operation: JSON (or, for a row with `files`, those media types too), or Server-Sent Events
 * for a streaming row.
 */
const successResponse = (route: RouteDefinition): JsonObject => {
  const { status, schema } = route.response;
  if (route.transport === 'stream') {
    return {
      description:
        'Server-Sent Events: `delta` events (`{ text }`) as the reply is written, then one `turn` event whose data is ' +
        'this schema; a failure after the first event is an `error` event whose data is the error body',
      content: { 'text/event-stream': { schema: jsonSchema(schema, 'output') } },
    };
  }
  const files = route.response.files ?? [];
  const headers = {
    ...(route.method === 'GET' ? { ETag: header('Entity tag of this answer') } : {}),
    ...(status === 202 ? { Location: header('Where to poll the job') } : {}),
    ...(files.length > 0
      ? { 'Content-Disposition': header('`attachment` with the file name, when the answer is a file') }
      : {}),
  };
  return {
    description: SUCCESS_TEXT[status] ?? 'Success',
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(status === 204
      ? {}
      : {
          content: {
            'application/json': { schema: jsonSchema(schema, 'output') },
            ...Object.fromEntries(files.map((type) => [type, { schema: { type: 'string' } }])),
          },
        }),
  };
};

/** What the service's jobs are and the conventions every route shares, for the document's description. */
const DESCRIPTION = [
  'Coaching insights, conversations, usage and prompt administration for the business owners of a tenant (the',
  'tenant is the one named in the verified JWT).',
  '',
  'Long model work runs as a job, never in the request. `GET /insights` without a fresh set answers at once with the',
  'older set (`stale: true`) or a set the rules write in the request (`source: "rules"`), and starts a job; its',
  'state is in `generation` and at `GET /insight-jobs/{jobId}`: `pending` (queued) → `running` (a worker has it) →',
  "`done` (the model's set replaced the one served; dismissals and acknowledgements made meanwhile are kept) or",
  '`failed` (with a `reason` such as `model_timeout`; the set served stays). A throttled job goes back to `pending`',
  'with its reason and is delivered again later. One job per tenant is active at a time; `POST /insights/refresh`',
  'answers 202 with the job (the active one, if any). Poll with `If-None-Match`: 304 while nothing changed.',
  '',
  "Roles come from the token's groups: every caller is a `user` (their own data); `admin` is a tenant's",
  'administrator (their own tenant only: all its conversations, its limits); `platform-admin` runs the platform',
  "(prompts, other tenants' limits and usage, top tenants, the nightly batch). Each operation states the role it needs",
  'in its description and in `x-required-role`; a caller without it gets 403.',
  '',
  `Every list pages the same way: \`page_size\` (alias \`pageSize\`, 1 to ${MAX_PAGE_SIZE}) and \`cursor\`, the`,
  "previous page's cursor; an answer is `{ items, pageSize, cursor? }` with no cursor on the last page. A cursor is",
  "signed for its list (tenant, user, filters): another list's or an edited one is a 400 `invalid_cursor`.",
  '',
  'A query parameter a route does not declare is a 400 `validation_error` naming the parameters it takes, on every',
  'route, except `_` (a cache-buster), which every route ignores. A GET ignores any body.',
  '',
  'Every error is `{ "error": { "code", "message", "details"? } }` with one `ErrorDetails` shape; each operation',
  'lists the statuses it can answer and the codes of each. On AWS, a request the JWT authorizer rejects gets API',
  'Gateway\'s own `{"message":"Unauthorized"}`.',
].join('\n');

/** The OpenAPI 3.1 document of the API, generated from the route table and its zod schemas. */
export const openApiDocument = (version: string): JsonObject => {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonObject>)[route.method.toLowerCase()] = {
      operationId: name,
      summary: route.summary,
      description: accessOf(route),
      tags: [route.tag],
      ...(route.auth === 'none' ? { security: [] } : { 'x-required-role': route.auth }),
      parameters: [
        ...parametersOf(route.params, 'path'),
        ...parametersOf(route.query, 'query'),
        ...(route.method === 'GET' ? [conditionalGet.parameter] : []),
        ...(route.idempotent ? [idempotencyKey] : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(route.response.status)]: successResponse(route),
        ...(route.method === 'GET' ? { '304': conditionalGet.notModified } : {}),
        ...Object.fromEntries(
          [...routeErrors(route)].map(([status, codes]) => [String(status), errorResponse(status, codes)]),
        ),
      },
    };
  }
  const error = jsonSchema(errorBodySchema, 'output') as { properties: { error: { properties: JsonObject } } };
  error.properties.error.properties.code = { type: 'string', enum: Object.keys(ERROR_CODES) };
  error.properties.error.properties.details = { $ref: '#/components/schemas/ErrorDetails' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Coaching service API',
      version,
      description: DESCRIPTION,
      license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: "The deployed HTTP API (the stack's Api Url output); locally http://localhost:3000",
        variables: { apiId: { default: 'api-id' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: error, ErrorDetails: jsonSchema(errorDetailsSchema, 'output') },
    },
    paths,
  };
};
