import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { dataGapSchema, sourceNames, sourceSchemas, type BusinessSnapshot } from '../shared/business-api/model';
import { decodeCursor, encodeCursor, queryAll, queryPage, queryPages, type CursorShape } from '../shared/dynamo/paging';
import { writeIf } from '../shared/dynamo/writes';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import {
  conversationSchema,
  messageSchema,
  type Conversation,
  type ConversationStatus,
  type ConversationTopic,
  type Feedback,
  type Message,
  type Spend,
} from './model';
import { spendOf, usageOf } from './turns';
import { ConflictError } from '../shared/errors';

/** The business data a conversation was opened with, and when it was read (read again when it is too old). */
export interface ConversationContext {
  readonly snapshot: BusinessSnapshot;
  readonly fetchedAt: string;
}

/** A conversation and the business context it was opened with. */
export interface StoredConversation {
  readonly conversation: Conversation;
  readonly context?: ConversationContext;
  /** Counted in the conversation stats since its start (every conversation stored from now on is). */
  readonly counted?: boolean;
}

/** Which conversations a list page holds: optional filters, the page size and the previous page's cursor. */
export interface ConversationListQuery {
  readonly status?: ConversationStatus;
  readonly topic?: ConversationTopic;
  readonly pageSize: number;
  readonly cursor?: string;
}

/** A page of conversations, newest first; `cursor` (absent on the last page) asks for the next one. */
export interface ConversationPage {
  readonly items: Conversation[];
  readonly cursor?: string;
}

/** Who claims a turn, when, and until when the turn holds the conversation (epoch ms). */
export interface TurnClaim {
  readonly userId: string;
  readonly now: Date;
  readonly busyUntil: number;
}

/**
 * A turn's hold on its conversation: the turn counter it was taken at, and when it ends (epoch ms), which also tells
 * it from every other hold of the conversation (a later hold always ends later).
 */
export interface TurnHold {
  readonly turn: number;
  readonly busyUntil: number;
}

/**
 * Changes to a conversation: fields to set (`busyUntil: 0` ends a turn's hold), and what was spent, added atomically
 * to its token and cost counters.
 */
export type ConversationChanges = Partial<Omit<Conversation, 'usage'>> & {
  readonly busyUntil?: number;
  readonly spent?: Spend;
};

/** The changes a turn makes when it finishes (its hold ends with them). */
export type TurnChanges = Omit<ConversationChanges, 'busyUntil'>;

/** Persistence of conversations and their messages; every key starts with the tenant. */
export interface ConversationStore {
  /** Stores a new conversation; ConflictError when one with its id exists. */
  create(conversation: Conversation, context: ConversationContext | undefined): Promise<void>;
  /** The conversation, unless it does not exist or has expired (TTL deletes late). */
  get(tenantId: string, id: string): Promise<StoredConversation | undefined>;
  /**
   * Starts a turn of a user's active conversation in one conditional write: holds the conversation busy until
   * `claim.busyUntil` (epoch ms); nothing else changes until the turn finishes. Returns the conversation as it is
   * (its hold is `{ turn, busyUntil }`); undefined when it does not exist, has expired, is not the user's or not
   * active, or another turn holds it (of racing claims, one wins).
   */
  claimTurn(tenantId: string, id: string, claim: TurnClaim): Promise<StoredConversation | undefined>;
  /**
   * Finishes a held turn: writes the changes and ends the hold, if the conversation is still at `hold.turn` and held
   * by this hold; false when it is not (the hold lapsed and another turn took it, or the conversation is gone).
   */
  finishTurn(
    tenantId: string,
    id: string,
    hold: TurnHold,
    changes: TurnChanges,
    context?: ConversationContext,
  ): Promise<boolean>;
  /** Ends a hold at once, if the conversation is still held by it; false when it is not. */
  releaseTurn(tenantId: string, id: string, hold: TurnHold): Promise<boolean>;
  /** Writes the changes if the conversation is still at `expectedTurn`; false when another turn got there first. */
  update(
    tenantId: string,
    id: string,
    expectedTurn: number,
    changes: ConversationChanges,
    context?: ConversationContext,
  ): Promise<boolean>;
  /**
   * Stores a message in its slot (its seq), written under the hold that ends at `heldBy` (0: no hold);
   * ConflictError when the slot is taken, unless by a message of an earlier hold (a turn that failed after it wrote,
   * whose slot the turn counter never reached) or of this hold (a write tried again).
   */
  putMessage(
    tenantId: string,
    conversationId: string,
    message: Message,
    expiresAt: string,
    heldBy?: number,
  ): Promise<void>;
  /**
   * Messages with seq > `afterSeq`, in order; at most `limit` of them when given. Slots past the conversation's turn
   * counter may hold what a failed turn left: callers read up to the counter (`upToTurn`).
   */
  messages(tenantId: string, conversationId: string, afterSeq?: number, limit?: number): Promise<Message[]>;
  /** Stores feedback on an assistant message; false when there is no such assistant message. */
  setFeedback(tenantId: string, conversationId: string, seq: number, feedback: Feedback, at: Date): Promise<boolean>;
  /**
   * A page of the conversations of one user, or of the whole tenant (`userId` undefined), newest first (by
   * `updatedAt`), live ones only, filtered by status and topic. A cursor is valid only for the list it came from
   * (400 otherwise). A page may hold fewer than `pageSize` items and still have a cursor when the filters skip many.
   */
  list(tenantId: string, userId: string | undefined, query: ConversationListQuery): Promise<ConversationPage>;
  /** Deletes a conversation and its messages. */
  delete(tenantId: string, id: string): Promise<void>;
}

/**
 * How many index reads one list page may take at most while the filters (status, topic, expiry) skip items; a page
 * that is not full by then is returned short, with a cursor.
 */
export const MAX_LIST_READS = 5;

const META = 'META';
const MESSAGE_PREFIX = 'MSG#';
const partition = (tenantId: string, id: string): string => `${tenantKey(tenantId)}#CONV#${id}`;
const messageKey = (seq: number): string => `${MESSAGE_PREFIX}${String(seq).padStart(6, '0')}`;
const LAST_MESSAGE_KEY = `${MESSAGE_PREFIX}999999`;
const ownerKey = (tenantId: string, userId: string): string => `${tenantKey(tenantId)}#USER#${userId}`;

/** The index a list reads: a user's conversations (byOwner) or the tenant's (byTenant), and its cursor's shape. */
interface ListIndex {
  readonly name: 'byOwner' | 'byTenant';
  readonly keyAttribute: 'ownerKey' | 'tenantKey';
  readonly key: string;
  readonly cursorShape: CursorShape;
}
const listIndex = (tenantId: string, userId: string | undefined): ListIndex => {
  const [name, keyAttribute, key] = userId
    ? (['byOwner', 'ownerKey', ownerKey(tenantId, userId)] as const)
    : (['byTenant', 'tenantKey', tenantKey(tenantId)] as const);
  // A cursor is an index position: the table key and the index key, with the index partition the caller's own.
  const cursorShape = {
    attributes: ['pk', 'sk', keyAttribute, 'updatedAt'],
    partition: { name: keyAttribute, value: key },
  };
  return { name, keyAttribute, key, cursorShape };
};

// Item schemas: every item read is parsed, so a corrupt or hand-edited item fails loudly instead of flowing on.

const storedSnapshotSchema = z.object({
  tenantId: z.string(),
  fetchedAt: z.string(),
  foundation: z.optional(sourceSchemas.foundation),
  goals: z.optional(sourceSchemas.goals),
  goalStats: z.optional(sourceSchemas.goalStats),
  performance: z.optional(sourceSchemas.performance),
  actions: z.optional(sourceSchemas.actions),
  issues: z.optional(sourceSchemas.issues),
  gaps: z.array(dataGapSchema),
  dropped: z.partialRecord(z.enum(sourceNames), z.number()),
});
const contextSchema = z.object({ snapshot: storedSnapshotSchema, fetchedAt: z.iso.datetime() });
/** The META item's own attributes; the conversation's fields are parsed by `conversationSchema`. */
const metaAttributesSchema = z.object({
  pk: z.string(),
  sk: z.literal(META),
  ownerKey: z.string(),
  tenantKey: z.string(),
  /** Epoch seconds, for TTL; `expiresAtIso` is the time the API shows. */
  expiresAt: z.number(),
  expiresAtIso: z.iso.datetime(),
  context: z.optional(contextSchema),
  busyUntil: z.optional(z.number()),
  counted: z.optional(z.boolean()),
  /** The conversation's counters (absent on items stored before they were kept). */
  inputTokens: z._default(z.number(), 0),
  outputTokens: z._default(z.number(), 0),
  costMicros: z._default(z.number(), 0),
});
const messageItemSchema = z.extend(messageSchema, {
  pk: z.string(),
  sk: z.string().check(z.startsWith(MESSAGE_PREFIX)),
  expiresAt: z.number(),
  heldBy: z.optional(z.number()),
});
const keyItemSchema = z.object({ pk: z.string(), sk: z.string() });

type Item = Record<string, unknown>;

/** Parses an item read from the table; a corrupt one throws, naming its key. */
const parseItem = <T>(schema: z.ZodMiniType<T>, item: Item): T => {
  const parsed = z.safeParse(schema, item);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Corrupt conversations item ${String(item.pk)} / ${String(item.sk)}: ${problems.join('; ')}`, {
    cause: parsed.error,
  });
};

/** A META item as a stored conversation, and its TTL and index attributes. */
const parseMeta = (item: Item): { stored: StoredConversation; attributes: z.infer<typeof metaAttributesSchema> } => {
  const attributes = parseItem(metaAttributesSchema, item);
  const conversation = parseItem(conversationSchema, {
    ...item,
    expiresAt: attributes.expiresAtIso,
    usage: usageOf(attributes),
  });
  return {
    stored: {
      conversation,
      ...(attributes.context ? { context: attributes.context } : {}),
      ...(attributes.counted ? { counted: true } : {}),
    },
    attributes,
  };
};
const parseMessage = (item: Item): Message => {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, heldBy: _heldBy, ...message } = parseItem(messageItemSchema, item);
  return message;
};

/** The TTL attribute holds epoch seconds; the ISO time the API shows is kept beside it. */
const ttlFields = (expiresAt: string): { expiresAt: number; expiresAtIso: string } => ({
  expiresAt: epochSeconds(new Date(expiresAt)),
  expiresAtIso: expiresAt,
});

const metaItem = ({ usage, ...conversation }: Conversation, context: ConversationContext | undefined): Item => ({
  pk: partition(conversation.tenantId, conversation.id),
  sk: META,
  ...conversation,
  ...spendOf(usage),
  ...ttlFields(conversation.expiresAt),
  ...(context ? { context } : {}),
  counted: true,
  ownerKey: ownerKey(conversation.tenantId, conversation.userId),
  tenantKey: tenantKey(conversation.tenantId),
});

const messageItem = (
  tenantId: string,
  conversationId: string,
  message: Message,
  expiresAt: string,
  heldBy: number,
): Item => ({
  pk: partition(tenantId, conversationId),
  sk: messageKey(message.seq),
  ...message,
  expiresAt: epochSeconds(new Date(expiresAt)),
  ...(heldBy > 0 ? { heldBy } : {}),
});

/** The messages of a conversation up to its turn counter: what a failed turn left past it is not the conversation's. */
export const upToTurn = (messages: readonly Message[], conversation: Pick<Conversation, 'turn'>): Message[] =>
  messages.filter((message) => message.seq <= conversation.turn);

/** The counters an update adds to (the ones that change). */
const addedCounters = (spent: Spend | undefined): Item =>
  Object.fromEntries(Object.entries(spent ?? {}).filter(([, value]) => value !== 0));

/** The attributes an update sets: the changes (TTL attributes kept in step), and the context when given. */
const updatedFields = ({ spent, ...changes }: ConversationChanges, context: ConversationContext | undefined): Item => {
  const fields = Object.entries({
    ...changes,
    ...(changes.expiresAt ? ttlFields(changes.expiresAt) : {}),
    ...(context ? { context } : {}),
  }).filter(([, value]) => value !== undefined);
  if (fields.length === 0 && Object.keys(addedCounters(spent)).length === 0) {
    throw new Error('A conversation update needs at least one change');
  }
  return Object.fromEntries(fields);
};

/** The filters of a list page, as DynamoDB applies them (after the page's Limit). */
const listFilter = (query: ConversationListQuery, nowSeconds: number) => ({
  expression: [
    'expiresAt > :now',
    ...(query.status ? ['#status = :status'] : []),
    ...(query.topic ? ['topic = :topic'] : []),
  ].join(' AND '),
  names: query.status ? { '#status': 'status' } : undefined,
  values: {
    ':now': nowSeconds,
    ...(query.status ? { ':status': query.status } : {}),
    ...(query.topic ? { ':topic': query.topic } : {}),
  },
  matches: (item: Item): boolean =>
    Number(item.expiresAt) > nowSeconds &&
    (!query.status || item.status === query.status) &&
    (!query.topic || item.topic === query.topic),
});

/** One read of a list index: the items that passed the filters, and the cursor after the last item evaluated. */
type IndexRead = (cursor: string | undefined, limit: number) => Promise<{ items: Item[]; cursor?: string }>;

/**
 * Fills a list page from index reads of `pageSize + 1` items each: reads on while the filters leave it short and
 * the index has more, at most MAX_LIST_READS times. One item more than the page tells whether a next page exists,
 * so the last page carries no cursor; a page cut short continues after its last item.
 */
const fillPage = async (read: IndexRead, index: ListIndex, query: ConversationListQuery): Promise<ConversationPage> => {
  const found: { stored: StoredConversation; attributes: z.infer<typeof metaAttributesSchema> }[] = [];
  let cursor = query.cursor;
  for (let reads = 0; reads < MAX_LIST_READS; reads += 1) {
    const page = await read(cursor, query.pageSize + 1);
    found.push(...page.items.map(parseMeta));
    cursor = page.cursor;
    if (found.length > query.pageSize) {
      const last = found[query.pageSize - 1] as (typeof found)[number];
      cursor = await encodeCursor(
        {
          pk: last.attributes.pk,
          sk: last.attributes.sk,
          [index.keyAttribute]: last.attributes[index.keyAttribute],
          updatedAt: last.stored.conversation.updatedAt,
        },
        index.cursorShape,
      );
      break;
    }
    if (!cursor) break;
  }
  const items = found.slice(0, query.pageSize).map(({ stored }) => stored.conversation);
  return { items, ...(cursor ? { cursor } : {}) };
};

/** What a conditional update of a conversation expects: its turn counter, and the hold on it when given. */
interface Expected {
  readonly turn: number;
  readonly busyUntil?: number;
}

/** The conditional updates both stores offer, over the one conditional update each implements (`updateIf`). */
abstract class ConditionalUpdates {
  /** Writes the changes if the conversation is at `expected.turn` (and held by `expected.busyUntil`, when given). */
  protected abstract updateIf(
    tenantId: string,
    id: string,
    expected: Expected,
    changes: ConversationChanges,
    context?: ConversationContext,
  ): Promise<boolean>;

  async update(
    tenantId: string,
    id: string,
    expectedTurn: number,
    changes: ConversationChanges,
    context?: ConversationContext,
  ): Promise<boolean> {
    return this.updateIf(tenantId, id, { turn: expectedTurn }, changes, context);
  }

  async finishTurn(
    tenantId: string,
    id: string,
    hold: TurnHold,
    changes: TurnChanges,
    context?: ConversationContext,
  ): Promise<boolean> {
    return this.updateIf(tenantId, id, hold, { ...changes, busyUntil: 0 }, context);
  }

  async releaseTurn(tenantId: string, id: string, hold: TurnHold): Promise<boolean> {
    return this.updateIf(tenantId, id, hold, { busyUntil: 0 });
  }
}

/**
 * ConversationStore on the conversations table (TTL on `expiresAt`; listing through the owner and tenant indexes).
 * `clock` decides what has expired.
 */
export class DynamoConversationStore extends ConditionalUpdates implements ConversationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  async create(conversation: Conversation, context: ConversationContext | undefined): Promise<void> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: metaItem(conversation, context),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) throw new ConflictError(`Conversation ${conversation.id} already exists`);
  }

  async get(tenantId: string, id: string): Promise<StoredConversation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { stored, attributes } = parseMeta(Item);
    return attributes.expiresAt > epochSeconds(this.clock()) ? stored : undefined;
  }

  async claimTurn(tenantId: string, id: string, claim: TurnClaim): Promise<StoredConversation | undefined> {
    const write = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        UpdateExpression: 'SET busyUntil = :busyUntil',
        ConditionExpression:
          'userId = :userId AND #status = :active AND expiresAt > :nowSeconds AND ' +
          '(attribute_not_exists(busyUntil) OR busyUntil < :nowMs)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':busyUntil': claim.busyUntil,
          ':userId': claim.userId,
          ':active': 'active',
          ':nowSeconds': epochSeconds(this.clock()),
          ':nowMs': claim.now.getTime(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return write.written && write.attributes ? parseMeta(write.attributes).stored : undefined;
  }

  protected async updateIf(
    tenantId: string,
    id: string,
    expected: Expected,
    changes: ConversationChanges,
    context?: ConversationContext,
  ): Promise<boolean> {
    const fields = updatedFields(changes, context);
    const counters = addedCounters(changes.spent);
    const names = Object.keys(fields);
    const added = Object.keys(counters);
    const held = expected.busyUntil !== undefined;
    const clauses = [
      ...(names.length > 0 ? [`SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`] : []),
      ...(added.length > 0 ? [`ADD ${added.map((_, i) => `#a${i} :a${i}`).join(', ')}`] : []),
    ];
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: META },
        UpdateExpression: clauses.join(' '),
        ConditionExpression: `#turn = :expectedTurn${held ? ' AND busyUntil = :heldBy' : ''}`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
          ...Object.fromEntries(added.map((name, i) => [`#a${i}`, name])),
          '#turn': 'turn',
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
          ...Object.fromEntries(added.map((name, i) => [`:a${i}`, counters[name]])),
          ':expectedTurn': expected.turn,
          ...(held ? { ':heldBy': expected.busyUntil } : {}),
        },
      }),
    );
    return written;
  }

  async putMessage(
    tenantId: string,
    conversationId: string,
    message: Message,
    expiresAt: string,
    heldBy = 0,
  ): Promise<void> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: messageItem(tenantId, conversationId, message, expiresAt, heldBy),
        ...(heldBy > 0
          ? {
              ConditionExpression: 'attribute_not_exists(pk) OR heldBy <= :heldBy',
              ExpressionAttributeValues: { ':heldBy': heldBy },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    if (!written) throw new ConflictError(`Message ${message.seq} of this conversation already exists`);
  }

  async messages(tenantId: string, conversationId: string, afterSeq = 0, limit?: number): Promise<Message[]> {
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': partition(tenantId, conversationId),
        ':from': messageKey(afterSeq + 1),
        ':to': LAST_MESSAGE_KEY,
      },
      ConsistentRead: true,
    };
    if (limit === undefined) return (await queryAll(this.client, input)).map(parseMessage);
    const items: Item[] = [];
    for await (const page of queryPages(this.client, { ...input, Limit: limit })) {
      items.push(...page);
      if (items.length >= limit) break;
    }
    return items.slice(0, limit).map(parseMessage);
  }

  async setFeedback(tenantId: string, id: string, seq: number, feedback: Feedback, at: Date): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId, id), sk: messageKey(seq) },
        UpdateExpression: 'SET feedback = :feedback',
        ConditionExpression: '#role = :assistant',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':feedback': { ...feedback, at: at.toISOString() }, ':assistant': 'assistant' },
      }),
    );
    return written;
  }

  async list(tenantId: string, userId: string | undefined, query: ConversationListQuery): Promise<ConversationPage> {
    const index = listIndex(tenantId, userId);
    const filter = listFilter(query, epochSeconds(this.clock()));
    return fillPage(
      (cursor, limit) =>
        queryPage(
          this.client,
          {
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: `${index.keyAttribute} = :key`,
            FilterExpression: filter.expression,
            ...(filter.names ? { ExpressionAttributeNames: filter.names } : {}),
            ExpressionAttributeValues: { ':key': index.key, ...filter.values },
            ScanIndexForward: false,
            Limit: limit,
          },
          cursor,
          index.cursorShape,
        ),
      index,
      query,
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const messageKeys = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
      ExpressionAttributeValues: { ':pk': partition(tenantId, id), ':msg': MESSAGE_PREFIX },
      ProjectionExpression: 'pk, sk',
    });
    const keys = [
      { pk: partition(tenantId, id), sk: META },
      ...messageKeys.map((key) => parseItem(keyItemSchema, key)),
    ];
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
}

/** A copy as DynamoDB would hand it back: marshalled (undefined values dropped), never shared with the caller. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Where an item sits in a list index, newest first: by `updatedAt`, then by its table key. */
const indexPosition = (item: Item): string =>
  `${String(item.updatedAt)}\u0000${String(item.pk)}\u0000${String(item.sk)}`;

/**
 * ConversationStore in memory, with the DynamoDB adapter's semantics: the same items (TTL in epoch seconds, the
 * index keys), the same conditions (turn claim of the owner's active conversation with its hold, updates on the turn
 * counter and the hold, message slots and the holds that wrote them, feedback on assistant messages only), the expiry filter on reads, index pages with Limit applied before the filters and
 * validated cursors. `items` holds the raw items by `pk` and `sk`, as the table would; tests may edit them.
 */
export class InMemoryConversationStore extends ConditionalUpdates implements ConversationStore {
  readonly items = new Map<string, Map<string, Item>>();

  constructor(private readonly clock: () => Date) {
    super();
  }

  async create(conversation: Conversation, context: ConversationContext | undefined): Promise<void> {
    const item = metaItem(conversation, context);
    if (this.item(String(item.pk), META)) throw new ConflictError(`Conversation ${conversation.id} already exists`);
    this.put(item);
  }

  async get(tenantId: string, id: string): Promise<StoredConversation | undefined> {
    const item = this.item(partition(tenantId, id), META);
    if (!item) return undefined;
    const { stored, attributes } = parseMeta(copy(item));
    return attributes.expiresAt > epochSeconds(this.clock()) ? stored : undefined;
  }

  async claimTurn(tenantId: string, id: string, claim: TurnClaim): Promise<StoredConversation | undefined> {
    const item = this.item(partition(tenantId, id), META);
    const claimable =
      item?.userId === claim.userId &&
      item.status === 'active' &&
      Number(item.expiresAt) > epochSeconds(this.clock()) &&
      (item.busyUntil === undefined || Number(item.busyUntil) < claim.now.getTime());
    if (!item || !claimable) return undefined;
    item.busyUntil = claim.busyUntil;
    return parseMeta(copy(item)).stored;
  }

  async putMessage(
    tenantId: string,
    conversationId: string,
    message: Message,
    expiresAt: string,
    heldBy = 0,
  ): Promise<void> {
    const item = messageItem(tenantId, conversationId, message, expiresAt, heldBy);
    const taken = this.item(String(item.pk), String(item.sk));
    if (taken && !(heldBy > 0 && Number(taken.heldBy) <= heldBy)) {
      throw new ConflictError(`Message ${message.seq} of this conversation already exists`);
    }
    this.put(item);
  }

  protected async updateIf(
    tenantId: string,
    id: string,
    expected: Expected,
    changes: ConversationChanges,
    context?: ConversationContext,
  ): Promise<boolean> {
    const fields = updatedFields(changes, context);
    const item = this.item(partition(tenantId, id), META);
    if (!item || item.turn !== expected.turn) return false;
    if (expected.busyUntil !== undefined && item.busyUntil !== expected.busyUntil) return false;
    Object.assign(item, copy(fields));
    for (const [name, value] of Object.entries(addedCounters(changes.spent))) {
      item[name] = Number(item[name] ?? 0) + Number(value);
    }
    return true;
  }

  async messages(tenantId: string, conversationId: string, afterSeq = 0, limit?: number): Promise<Message[]> {
    const from = messageKey(afterSeq + 1);
    const items = [...(this.items.get(partition(tenantId, conversationId))?.entries() ?? [])]
      .filter(([sk]) => sk >= from && sk <= LAST_MESSAGE_KEY)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, item]) => copy(item));
    return items.slice(0, limit).map(parseMessage);
  }

  async setFeedback(tenantId: string, id: string, seq: number, feedback: Feedback, at: Date): Promise<boolean> {
    const item = this.item(partition(tenantId, id), messageKey(seq));
    if (item?.role !== 'assistant') return false;
    item.feedback = copy({ ...feedback, at: at.toISOString() });
    return true;
  }

  async list(tenantId: string, userId: string | undefined, query: ConversationListQuery): Promise<ConversationPage> {
    const index = listIndex(tenantId, userId);
    const filter = listFilter(query, epochSeconds(this.clock()));
    const entries = [...this.items.values()]
      .map((items) => items.get(META))
      .filter((item): item is Item => item?.[index.keyAttribute] === index.key)
      .sort((a, b) => (indexPosition(a) < indexPosition(b) ? 1 : -1));
    return fillPage(
      async (cursor, limit) => {
        const start = await decodeCursor(cursor, index.cursorShape);
        const after = start ? entries.filter((item) => indexPosition(item) < indexPosition(start)) : entries;
        const evaluated = after.slice(0, limit);
        const last = evaluated.at(-1);
        // Like DynamoDB, a read that stops at its Limit has a next position, even when nothing follows.
        const next =
          last && evaluated.length === limit
            ? await encodeCursor(
                { pk: last.pk, sk: last.sk, [index.keyAttribute]: index.key, updatedAt: last.updatedAt },
                index.cursorShape,
              )
            : undefined;
        return { items: evaluated.filter(filter.matches).map(copy), ...(next ? { cursor: next } : {}) };
      },
      index,
      query,
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const items = this.items.get(partition(tenantId, id));
    if (!items) return;
    for (const sk of [...items.keys()]) if (sk === META || sk.startsWith(MESSAGE_PREFIX)) items.delete(sk);
  }

  private item(pk: string, sk: string): Item | undefined {
    return this.items.get(pk)?.get(sk);
  }

  private put(item: Item): void {
    const pk = String(item.pk);
    const items = this.items.get(pk) ?? new Map<string, Item>();
    items.set(String(item.sk), copy(item));
    this.items.set(pk, items);
  }
}
