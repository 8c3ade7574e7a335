import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../shared/dynamo/paging';
import { writeIf } from '../shared/dynamo/writes';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import type { BusinessSnapshot } from '../shared/business-api/model';
import { conversationSchema, messageSchema, type Conversation, type Feedback, type Message } from './model';
import { ConflictError } from '../shared/errors';

/** A conversation and the business context it was opened with. */
export interface StoredConversation {
  readonly conversation: Conversation;
  readonly context?: { readonly snapshot: BusinessSnapshot; readonly fetchedAt: string };
}

/** Persistence of conversations and their messages; every key starts with the tenant. */
export interface ConversationStore {
  create(conversation: Conversation, context: StoredConversation['context']): Promise<void>;
  get(tenantId: string, id: string): Promise<StoredConversation | undefined>;
  /**
   * Starts a turn: moves the counter from `expectedTurn` to the next and holds the conversation busy until
   * `busyUntil` (epoch ms). False when another turn started first or is still running.
   */
  claimTurn(tenantId: string, id: string, expectedTurn: number, now: Date, busyUntil: number): Promise<boolean>;
  /**
   * Writes the changes if the conversation is still at `expectedTurn`; false when another turn got there first.
   * `busyUntil: 0` ends a turn's hold.
   */
  update(
    tenantId: string,
    id: string,
    expectedTurn: number,
    changes: Partial<Conversation> & { readonly busyUntil?: number },
    context?: StoredConversation['context'],
  ): Promise<boolean>;
  putMessage(tenantId: string, conversationId: string, message: Message, expiresAt: string): Promise<void>;
  /** Messages with seq > `afterSeq`, in order. */
  messages(tenantId: string, conversationId: string, afterSeq?: number): Promise<Message[]>;
  /** Stores feedback on an assistant message; false when there is no such assistant message. */
  setFeedback(tenantId: string, conversationId: string, seq: number, feedback: Feedback, at: Date): Promise<boolean>;
  /** Conversations of one user, or of the whole tenant, newest first. */
  list(tenantId: string, userId: string | undefined): Promise<Conversation[]>;
  delete(tenantId: string, id: string): Promise<void>;
}

const partition = (tenantId: string, id: string): string => `${tenantKey(tenantId)}#CONV#${id}`;
const META = 'META';
const messageKey = (seq: number): string => `MSG#${String(seq).padStart(6, '0')}`;
const ownerKey = (tenantId: string, userId: string): string => `${tenantKey(tenantId)}#USER#${userId}`;

/** The TTL attribute holds epoch seconds; the ISO time the API shows is kept beside it. */
const ttlFields = (expiresAt: string): { expiresAt: number; expiresAtIso: string } => ({
  expiresAt: epochSeconds(new Date(expiresAt)),
  expiresAtIso: expiresAt,
});
/** TTL deletes late, so reads filter on it. */
const isLive = (item: Record<string, unknown>): boolean => Number(item.expiresAt) > epochSeconds(new Date());
const toConversation = (item: Record<string, unknown>): Conversation =>
  conversationSchema.parse({ ...item, expiresAt: item.expiresAtIso });

/** ConversationStore on the conversations table (TTL on `expiresAt`; listing through the owner and tenant indexes). */
export class DynamoConversationStore implements ConversationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(conversation: Conversation, context: StoredConversation['context']): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.metaItem(conversation, context),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<StoredConversation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        ConsistentRead: true,
      }),
    );
    if (!Item || !isLive(Item)) return undefined;
    return {
      conversation: toConversation(Item),
      ...(Item.context ? { context: Item.context as StoredConversation['context'] } : {}),
    };
  }

  async claimTurn(tenantId: string, id: string, expectedTurn: number, now: Date, busyUntil: number): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        UpdateExpression: 'SET #turn = :next, busyUntil = :busyUntil, updatedAt = :now',
        ConditionExpression: '#turn = :expected AND (attribute_not_exists(busyUntil) OR busyUntil < :nowMs)',
        ExpressionAttributeNames: { '#turn': 'turn' },
        ExpressionAttributeValues: {
          ':next': expectedTurn + 1,
          ':expected': expectedTurn,
          ':busyUntil': busyUntil,
          ':now': now.toISOString(),
          ':nowMs': now.getTime(),
        },
      }),
    );
    return written;
  }

  async update(
    tenantId: string,
    id: string,
    expectedTurn: number,
    changes: Partial<Conversation> & { readonly busyUntil?: number },
    context?: StoredConversation['context'],
  ): Promise<boolean> {
    const fields: Record<string, unknown> = {
      ...changes,
      ...(changes.expiresAt ? ttlFields(changes.expiresAt) : {}),
      ...(context ? { context } : {}),
    };
    const names = Object.keys(fields);
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
        ConditionExpression: '#turn = :expectedTurn',
        ExpressionAttributeNames: { ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])), '#turn': 'turn' },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
          ':expectedTurn': expectedTurn,
        },
      }),
    );
    return written;
  }

  async putMessage(tenantId: string, conversationId: string, message: Message, expiresAt: string): Promise<void> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: partition(tenantId, conversationId),
          sk: messageKey(message.seq),
          ...message,
          expiresAt: epochSeconds(new Date(expiresAt)),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) throw new ConflictError(`Message ${message.seq} of this conversation already exists`);
  }

  async messages(tenantId: string, conversationId: string, afterSeq = 0): Promise<Message[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': partition(tenantId, conversationId),
        ':from': messageKey(afterSeq + 1),
        ':to': 'MSG#999999',
      },
      ConsistentRead: true,
    });
    return items.map((item) => messageSchema.parse(item));
  }

  async setFeedback(
    tenantId: string,
    conversationId: string,
    seq: number,
    feedback: Feedback,
    at: Date,
  ): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, conversationId), sk: messageKey(seq) },
        UpdateExpression: 'SET feedback = :feedback',
        ConditionExpression: '#role = :assistant',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':feedback': { ...feedback, at: at.toISOString() }, ':assistant': 'assistant' },
      }),
    );
    return written;
  }

  async list(tenantId: string, userId: string | undefined): Promise<Conversation[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: userId ? 'byOwner' : 'byTenant',
      KeyConditionExpression: userId ? 'ownerKey = :key' : 'tenantKey = :key',
      ExpressionAttributeValues: { ':key': userId ? ownerKey(tenantId, userId) : tenantKey(tenantId) },
      ScanIndexForward: false,
    });
    return items.filter(isLive).map(toConversation);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const messageKeys = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
      ExpressionAttributeValues: { ':pk': partition(tenantId, id), ':msg': 'MSG#' },
      ProjectionExpression: 'pk, sk',
    });
    const keys = [{ pk: partition(tenantId, id), sk: META }, ...(messageKeys as { pk: string; sk: string }[])];
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  private metaItem(conversation: Conversation, context: StoredConversation['context']): Record<string, unknown> {
    return {
      pk: partition(conversation.tenantId, conversation.id),
      sk: META,
      ...conversation,
      ...ttlFields(conversation.expiresAt),
      ...(context ? { context } : {}),
      ownerKey: ownerKey(conversation.tenantId, conversation.userId),
      tenantKey: tenantKey(conversation.tenantId),
    };
  }
}
