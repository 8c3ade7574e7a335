import { routes } from '../functions/routes';
import { errorBodySchema } from '../functions/shared/http/error-response';
import type { RouteDefinition } from '../functions/shared/http/route';
import * as z from '../functions/shared/zod';

type JsonObject = Record<string, unknown>;

const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output'): JsonObject => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

const parametersOf = (schema: z.core.$ZodType | undefined, where: 'query' | 'path'): JsonObject[] => {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
};

const errorResponses = (route: RouteDefinition): Record<string, JsonObject> => {
  const error = (description: string): JsonObject => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    '400': error('Invalid request'),
    ...(route.auth === 'none' ? {} : { '401': error('Missing, expired or invalid token') }),
    ...(route.auth === 'admin' ? { '403': error('Not an administrator') } : {}),
    ...(route.params ? { '404': error('Not found for this tenant') } : {}),
    ...(route.idempotent
      ? {
          '409': error('Busy: another request on this conversation, or with this Idempotency-Key, is in progress'),
          '422': error('The Idempotency-Key was used with another body (idempotency_key_reused)'),
        }
      : {}),
    '429': error('Rate limited; see Retry-After'),
    '502': error('Upstream data unavailable'),
    '503': error('Busy, or the model is unavailable for now; see Retry-After'),
    ...(route.grants.bedrock ? { '504': error("The model did not answer within the request's time budget") } : {}),
  };
};

const header = (description: string): JsonObject => ({ description, schema: { type: 'string' } });

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

/** What the service's jobs are, for the document's description. */
const DESCRIPTION = [
  'Coaching insights, conversations, usage and prompt administration for the business owners of a tenant (the',
  'tenant is the one named in the verified JWT).',
  '',
  'Long model work runs as a job, never in the request. `GET /insights` without a fresh set answers at once with the',
  'older set (`stale: true`) or a set the rules write in the request (`source: "rules"`), and starts a job; its',
  'state is in `generation` and at `GET /insights/jobs/{jobId}`: `pending` (queued) → `running` (a worker has it) →',
  "`done` (the model's set replaced the one served; dismissals and acknowledgements made meanwhile are kept) or",
  '`failed` (with a `reason` such as `model_timeout`; the set served stays). A throttled job goes back to `pending`',
  'with its reason and is delivered again later. One job per tenant is active at a time; `POST /insights/refresh`',
  'answers 202 with the job (the active one, if any). Poll with `If-None-Match`: 304 while nothing changed.',
].join('\n');

/** The OpenAPI 3.1 document of the API, generated from the route table and its zod schemas. */
export const openApiDocument = (version: string): JsonObject => {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonObject>)[route.method.toLowerCase()] = {
      operationId: name,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'none' ? { security: [] } : {}),
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
        [String(route.response.status)]: {
          description: route.response.status === 202 ? 'Accepted: the job, to poll at its Location' : 'Success',
          ...(route.method === 'GET' ? { headers: { ETag: header('Entity tag of this answer') } } : {}),
          ...(route.response.status === 202 ? { headers: { Location: header('Where to poll the job') } } : {}),
          content: { 'application/json': { schema: jsonSchema(route.response.schema, 'output') } },
        },
        ...(route.method === 'GET' ? { '304': conditionalGet.notModified } : {}),
        ...errorResponses(route),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Coaching service API', version, description: DESCRIPTION },
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
    },
    paths,
  };
};
