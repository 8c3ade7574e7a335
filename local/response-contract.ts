import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldProblem } from '../functions/shared/errors';
import { errorBodySchema, type ErrorBody } from '../functions/shared/http/error-response';
import { routeErrors } from '../functions/shared/http/route-errors';
import * as z from '../functions/shared/zod';
import type { RouteDefinition } from '../functions/shared/http/route';

/** Statuses that carry no body. */
const EMPTY_STATUSES = new Set([204, 304]);

/**
 * What is wrong with a response, measured against its route's documented contract (the schema the OpenAPI document
 * is generated from): a success must match the route's response schema, or be a file of a media type the route
 * documents; an error the one error body with a code the route documents under that status. The local server checks
 * every response with this, so the documentation
 * cannot drift from the behaviour.
 */
export const responseProblems = (route: RouteDefinition, result: APIGatewayProxyStructuredResultV2): FieldProblem[] => {
  const status = result.statusCode ?? 200;
  const text = result.body ?? '';
  if (EMPTY_STATUSES.has(status)) {
    return text === '' ? [] : [{ field: 'body', message: `a ${status} response must have no body` }];
  }
  const mediaType = String(result.headers?.['content-type'] ?? 'application/json')
    .split(';')[0]
    ?.trim();
  if (status < 400 && mediaType !== 'application/json') {
    return route.response.files?.includes(mediaType ?? '')
      ? []
      : [{ field: 'headers.content-type', message: `is ${mediaType}, which the route does not document` }];
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [{ field: 'body', message: 'is not JSON' }];
  }
  const schema = status >= 400 ? errorBodySchema : route.response.schema;
  const parsed = z.safeParse(schema, body);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      field: ['body', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
  }
  return status >= 400 ? undocumentedError(route, status, (body as ErrorBody).error.code) : [];
};

/** An error the route's documentation does not list: its code under its status (routeErrors, the OpenAPI document). */
const undocumentedError = (route: RouteDefinition, status: number, code: string): FieldProblem[] => {
  const documented: readonly string[] = routeErrors(route).get(status) ?? [];
  return documented.includes(code)
    ? []
    : [
        {
          field: 'body.error.code',
          message: `${status} ${code} is not documented for this route (its row's errors, or shared/http/route-errors.ts)`,
        },
      ];
};
