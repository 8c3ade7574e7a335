import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** What a conditional write did: written (with the item's attributes when the command asked for them), or refused. */
export type ConditionalWrite =
  { readonly written: true; readonly attributes?: Record<string, unknown> } | { readonly written: false };

/** True for the error DynamoDB (and dynalite) raise when a condition expression fails. */
const isConditionFailed = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * The error DynamoDB raises when a condition fails on a write that does not go through writeIf (the caller lets it
 * propagate); the in-memory twins raise this one in the same places, so callers see the same failure from both.
 */
export const conditionalCheckFailed = (): Error =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/**
 * Sends a Put, Update or Delete that carries a ConditionExpression. A failed condition is a result (`written: false`)
 * the caller decides on; every other error is thrown. The one place the service tells the two apart.
 */
export const writeIf = async (
  client: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<ConditionalWrite> => {
  try {
    const output = (await client.send(command as UpdateCommand)) as { Attributes?: Record<string, unknown> };
    return output.Attributes ? { written: true, attributes: output.Attributes } : { written: true };
  } catch (error) {
    if (isConditionFailed(error)) return { written: false };
    throw error;
  }
};
