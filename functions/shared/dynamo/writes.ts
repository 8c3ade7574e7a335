import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** What a conditional write did: written (with the item's attributes when the command asked for them), or refused. */
export type ConditionalWrite =
  { readonly written: true; readonly attributes?: Record<string, unknown> } | { readonly written: false };

/** True for the error DynamoDB (and dynalite) raise when a condition expression fails. */
const isConditionFailed = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

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
