import type * as z from '../zod';
import { InvalidPathError, type ErrorCode } from '../errors';
import type { TableDefinition } from '../dynamo/tables';
import type { WorkerDefinition } from '../jobs/worker-definition';
import type { RouteAccess } from './auth';

/**
 * What AWS resources a route's function may touch; the CDK grants exactly this and passes the matching env. Tables
 * are named by their key in the composed table list (functions/routes.ts), which the CDK checks at synth.
 */
export interface RouteGrants {
  readonly tables?: Readonly<Record<string, 'read' | 'readWrite'>>;
  readonly promptsBucket?: 'read' | 'readWrite';
  readonly bedrock?: boolean;
  /** Reads the .NET business APIs; comes with write access to the source health table every read records in. */
  readonly businessApi?: boolean;
  /**
   * Calls the business APIs as the service itself (client credentials): for work no user's token may be used for, a
   * queued job or another tenant's data. Grants the client-credentials secret where the stack has one.
   */
  readonly serviceToken?: boolean;
  /** Publishes human hand-off events to the EventBridge bus. */
  readonly handoffEvents?: boolean;
  /** Sends to these workers' queues, by the worker's key in the composed worker list (functions/routes.ts). */
  readonly queues?: readonly string[];
  /** Pages a list: signs and opens its cursors with the cursor key (shared/pagination.ts). */
  readonly cursors?: boolean;
  /**
   * Searches the help articles in the stack's Bedrock Knowledge Base (bedrock:Retrieve on it, KNOWLEDGE_BASE_ID); a
   * function without it searches the bundled articles with the local index.
   */
  readonly knowledgeBase?: 'read';
}

/**
 * One row of the route table; `auth` (and, for `admin` rows, `tenantParam` or `tenantQuery`) is who may call it
 * (RouteAccess).
 */
export type RouteDefinition<
  Q extends z.core.$ZodType = z.core.$ZodType,
  P extends z.core.$ZodType = z.core.$ZodType,
  B extends z.core.$ZodType = z.core.$ZodType,
> = RouteAccess & RouteRow<Q, P, B>;

/** Everything of a route table row but who may call it. */
interface RouteRow<Q extends z.core.$ZodType, P extends z.core.$ZodType, B extends z.core.$ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: `/insights/{id}/dismiss`. */
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly handler: string;
  /**
   * `stream`: served as Server-Sent Events from a Lambda response-streaming Function URL (the function verifies
   * the JWT itself, with the same claims rules), not through API Gateway; its `handler` streams (shared/http/pipeline).
   */
  readonly transport?: 'api' | 'stream';
  readonly summary: string;
  readonly tag: string;
  readonly query?: Q;
  readonly params?: P;
  readonly body?: B;
  /**
   * The route takes an `Idempotency-Key` header: the same key (per tenant, user and route) within 24 h answers the
   * first result and runs nothing again. Its handler passes the guard that keeps the keys (shared/http/idempotency).
   */
  readonly idempotent?: boolean;
  /**
   * The success status and its body schema (for the OpenAPI document); `files`: the media types (e.g. `text/csv`) the
   * route may answer with instead, as a file (a TextFile body, sent as an attachment).
   */
  readonly response: {
    readonly status: number;
    readonly schema: z.core.$ZodType;
    readonly files?: readonly string[];
  };
  /**
   * The error codes the route's use case answers with, beyond those the pipeline gives a route by its shape
   * (validation, cursors, paths, bodies, tokens, roles, unexpected failures: route-errors.ts). The OpenAPI document
   * lists both by status, and the dev server refuses an error response whose code is in neither.
   */
  readonly errors?: readonly ErrorCode[];
  readonly grants: RouteGrants;
}

/**
 * What a route does with a body: parses it with its schema, or takes none and only checks that one sent is JSON; a
 * GET ignores any body (its content has no meaning in HTTP), so no GET answers 400 or 413 for one.
 */
export type BodyHandling = 'parsed' | 'ignored-json' | 'none';

/** The body handling of a route row. */
export const bodyHandlingOf = (route: Pick<RouteDefinition, 'method' | 'body'>): BodyHandling =>
  route.body !== undefined ? 'parsed' : route.method === 'GET' ? 'none' : 'ignored-json';

/** Declares a route, keeping the exact schema types for the handler's parsed input. */
export const defineRoute = <
  Q extends z.core.$ZodType = z.ZodMiniUndefined,
  P extends z.core.$ZodType = z.ZodMiniUndefined,
  B extends z.core.$ZodType = z.ZodMiniUndefined,
>(
  route: RouteDefinition<Q, P, B>,
): RouteDefinition<Q, P, B> => route;

/** A capability's route rows, by route name. */
export type RouteTable = Readonly<Record<string, RouteDefinition<z.core.$ZodType, z.core.$ZodType, z.core.$ZodType>>>;

/** What a capability declares for itself: its routes and the tables it owns. */
export interface Capability<R extends RouteTable = RouteTable> {
  readonly routes: R;
  /** The tables this capability owns, by key (the key grants name them by). */
  readonly tables?: Readonly<Record<string, TableDefinition>>;
  /** The environment this capability reads (its config.ts), beyond the shared ports' (shared/config.ts). */
  readonly env?: z.ZodMiniObject;
  /** Its queue workers (long model work as jobs), by key (the key senders' grants name them by). */
  readonly workers?: Readonly<Record<string, WorkerDefinition>>;
}

/** Declares a capability, keeping its exact route names and schema types. */
export const defineCapability = <R extends RouteTable>(capability: Capability<R>): Capability<R> => capability;

/** One percent-encoded path segment, decoded; a malformed encoding is a 400 `invalid_path`, not a URIError. */
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidPathError('The path is not valid percent-encoding: each % must start an escape such as %2F');
  }
};

/**
 * A matcher for a path template (`/insights/{id}/dismiss`): the decoded parameters of a path, or undefined when the
 * path does not have the template's shape; a path of that shape with a malformed escape throws InvalidPathError.
 */
export const pathMatcher = (template: string): ((path: string) => Record<string, string> | undefined) => {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return (path) => {
    const found = pattern.exec(path);
    return found ? Object.fromEntries(names.map((name, i) => [name, decodeSegment(found[i + 1] ?? '')])) : undefined;
  };
};
