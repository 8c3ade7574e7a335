import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { tenantKey } from '../dynamo/tables';
import { ConflictError, UnprocessableError } from '../errors';
import type { IdempotencyGuard, IdempotentRequest, IdempotentResult } from './idempotency';

/** How long a key keeps its first result. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * IdempotencyGuard on Powertools idempotency with its DynamoDB persistence layer: one record per key in the given
 * table, partition `TENANT#<tenant>`, sort key `<route>#<hash of user and key>`, expiring (`expiresAt`, TTL) after
 * 24 h; a record in progress expires with its invocation. Powertools' persistence layer keeps per-use state, so each
 * request gets its own (on the one shared client).
 */
export class DynamoIdempotency implements IdempotencyGuard {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly expiresAfterSeconds = IDEMPOTENCY_TTL_SECONDS,
  ) {}

  async once<T>(request: IdempotentRequest, run: () => Promise<T>): Promise<IdempotentResult<T>> {
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: this.tableName,
      awsSdkV3Client: this.client,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: tenantKey(request.tenantId),
      expiryAttr: 'expiresAt',
    });
    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[userId, key]',
      payloadValidationJmesPath: 'payload',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: this.expiresAfterSeconds,
      responseHook: (stored) => ({ ...(stored as { result: JSONValue }), replayed: true }),
    });
    if (request.context) config.registerLambdaContext(request.context);
    const runOnce = makeIdempotent(
      async (_request: { userId: string; key: string; payload: unknown }) => ({ result: await run(), replayed: false }),
      { persistenceStore, config, keyPrefix: request.route },
    );
    try {
      return await runOnce({ userId: request.userId, key: request.key, payload: request.payload });
    } catch (error) {
      throw refusal(error);
    }
  }
}

/** Powertools' refusals as the service's errors; anything else (the request's own failure) as it is. */
const refusal = (error: unknown): unknown => {
  if (error instanceof IdempotencyValidationError) {
    return new UnprocessableError(
      'This Idempotency-Key was used for a different request; use a new key for a new request',
      [{ field: 'header.idempotency-key', message: 'was used with another body' }],
      'idempotency_key_reused',
    );
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return new ConflictError(
      'A request with this Idempotency-Key is still in progress; send it again once it has answered',
      'idempotency_key_in_progress',
    );
  }
  return error;
};
