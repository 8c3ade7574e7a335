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
    '429': error('Rate limited; see Retry-After'),
    '502': error('Upstream data unavailable'),
  };
};

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
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
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
          description: 'Success',
          content: { 'application/json': { schema: jsonSchema(route.response.schema, 'output') } },
        },
        ...errorResponses(route),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Coaching service API', version },
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
    },
    paths,
  };
};
