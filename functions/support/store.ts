import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseItem } from '../shared/dynamo/items';
import { KeyedItems, compareKeys } from '../shared/dynamo/memory';
import { decodeCursor, encodeCursor, queryPage, type CursorShape } from '../shared/dynamo/paging';
import { epochSeconds, tenantKey } from '../shared/dynamo/tables';
import { writeIf } from '../shared/dynamo/writes';
import { priorityRank, ticketSchema, type Ticket, type TicketStatus } from './model';

/** What a page of a tenant's tickets asks for: one status or all, how many, from where. */
export interface TicketListQuery {
  readonly status?: TicketStatus;
  readonly pageSize: number;
  readonly cursor?: string;
}

/** One page of a tenant's tickets, newest first, and the cursor of the next. */
export interface TicketPage {
  readonly items: readonly Ticket[];
  readonly cursor?: string;
}

/** What a ticket's place in its department's queue is computed from. */
export type QueuedTicket = Pick<Ticket, 'tenantId' | 'ticketId' | 'department' | 'priority' | 'createdAt'>;

/** Persistence of support tickets and their department queues. */
export interface TicketStore {
  /** Stores a new ticket (false when the id exists). */
  create(ticket: Ticket, expiresAt: Date): Promise<boolean>;
  /** One of the tenant's tickets, unless missing or expired at `now`. */
  get(tenantId: string, ticketId: string, now: Date): Promise<Ticket | undefined>;
  /** A page of the tenant's tickets (optionally of one status), newest first, not expired at `now`. */
  list(tenantId: string, query: TicketListQuery, now: Date): Promise<TicketPage>;
  /** How many open tickets of the department (any tenant) are served before this one: more urgent, or as urgent and older. */
  queueAhead(ticket: QueuedTicket): Promise<number>;
  /** Moves a ticket's status only while it is still `from` (a per-field conditional update); false otherwise. */
  moveStatus(tenantId: string, ticketId: string, from: TicketStatus, to: TicketStatus, at: string): Promise<boolean>;
}

const PREFIX = 'TICKET#';
const ticketKey = (ticketId: string): string => `${PREFIX}${ticketId}`;
const queuePk = (department: string): string => `QUEUE#${department}`;
/** A queue key sorts by priority (most urgent first), then by creation time. */
const queueSk = (ticket: Omit<QueuedTicket, 'department'>): string =>
  `${priorityRank(ticket.priority)}#${ticket.createdAt}#${ticket.tenantId}#${ticket.ticketId}`;
/** A list's cursor: a position in the tenant's own partition. */
const listShape = (tenantId: string): CursorShape => ({
  attributes: ['pk', 'sk'],
  partition: { name: 'pk', value: tenantKey(tenantId) },
});

const live = (expiresAt: unknown, now: Date): boolean => typeof expiresAt !== 'number' || expiresAt > epochSeconds(now);

const fromItem = (item: Record<string, unknown>): Ticket => {
  const { pk: _pk, sk: _sk, expiresAt: _e, queuePk: _q, queueSk: _s, ...ticket } = item;
  return parseItem(ticketSchema, ticket, 'ticket');
};

/** The DynamoDB adapter (the tickets table). */
export class DynamoTicketStore implements TicketStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(ticket: Ticket, expiresAt: Date): Promise<boolean> {
    const queued = ticket.status === 'open' ? { queuePk: queuePk(ticket.department), queueSk: queueSk(ticket) } : {};
    const write = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: tenantKey(ticket.tenantId),
          sk: ticketKey(ticket.ticketId),
          ...ticket,
          ...queued,
          expiresAt: epochSeconds(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return write.written;
  }

  async get(tenantId: string, ticketId: string, now: Date): Promise<Ticket | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantKey(tenantId), sk: ticketKey(ticketId) } }),
    );
    return Item && live(Item.expiresAt, now) ? fromItem(Item) : undefined;
  }

  async list(tenantId: string, query: TicketListQuery, now: Date): Promise<TicketPage> {
    const page = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: query.status ? 'expiresAt > :now AND #status = :status' : 'expiresAt > :now',
        ...(query.status ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: {
          ':pk': tenantKey(tenantId),
          ':prefix': PREFIX,
          ':now': epochSeconds(now),
          ...(query.status ? { ':status': query.status } : {}),
        },
        ScanIndexForward: false,
        Limit: query.pageSize,
      },
      query.cursor,
      listShape(tenantId),
    );
    return { items: page.items.map(fromItem), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  async queueAhead(ticket: QueuedTicket): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'queue',
          Select: 'COUNT',
          KeyConditionExpression: 'queuePk = :pk AND queueSk < :sk',
          ExpressionAttributeValues: { ':pk': queuePk(ticket.department), ':sk': queueSk(ticket) },
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async moveStatus(
    tenantId: string,
    ticketId: string,
    from: TicketStatus,
    to: TicketStatus,
    at: string,
  ): Promise<boolean> {
    const ticket = to === 'open' ? await this.get(tenantId, ticketId, new Date(0)) : undefined;
    const requeue = ticket ? { ':qpk': queuePk(ticket.department), ':qsk': queueSk(ticket) } : {};
    const write = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: tenantKey(tenantId), sk: ticketKey(ticketId) },
        UpdateExpression: ticket
          ? 'SET #status = :to, updatedAt = :at, queuePk = :qpk, queueSk = :qsk'
          : 'SET #status = :to, updatedAt = :at REMOVE queuePk, queueSk',
        ConditionExpression: 'attribute_exists(pk) AND #status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':at': at, ...requeue },
      }),
    );
    return write.written;
  }
}

interface MemoryItem {
  readonly ticket: Ticket;
  readonly expiresAt: number;
}

/** The in-memory twin of the DynamoDB adapter. */
export class MemoryTicketStore implements TicketStore {
  private readonly items = new KeyedItems<MemoryItem>();
  /** The tenants with tickets (the twin's stand-in for the queue index across partitions). */
  private readonly tenants = new Set<string>();

  async create(ticket: Ticket, expiresAt: Date): Promise<boolean> {
    if (this.items.get(tenantKey(ticket.tenantId), ticketKey(ticket.ticketId))) return false;
    this.items.put(tenantKey(ticket.tenantId), ticketKey(ticket.ticketId), {
      ticket,
      expiresAt: epochSeconds(expiresAt),
    });
    this.tenants.add(ticket.tenantId);
    return true;
  }

  async get(tenantId: string, ticketId: string, now: Date): Promise<Ticket | undefined> {
    const item = this.items.get(tenantKey(tenantId), ticketKey(ticketId));
    return item && live(item.expiresAt, now) ? item.ticket : undefined;
  }

  async list(tenantId: string, query: TicketListQuery, now: Date): Promise<TicketPage> {
    const start = await decodeCursor(query.cursor, listShape(tenantId));
    const newestFirst = this.items.query(tenantKey(tenantId)).reverse();
    const after = start
      ? newestFirst.filter((item) => compareKeys(ticketKey(item.ticket.ticketId), start.sk as string) < 0)
      : newestFirst;
    const evaluated = after.slice(0, query.pageSize);
    const last = evaluated.at(-1);
    // Like DynamoDB, a read that stops at its Limit has a next position, even when nothing follows.
    const cursor =
      last && evaluated.length === query.pageSize
        ? await encodeCursor({ pk: tenantKey(tenantId), sk: ticketKey(last.ticket.ticketId) }, listShape(tenantId))
        : undefined;
    return {
      items: evaluated
        .filter(
          (item) => live(item.expiresAt, now) && (query.status === undefined || item.ticket.status === query.status),
        )
        .map((item) => item.ticket),
      ...(cursor ? { cursor } : {}),
    };
  }

  async queueAhead(ticket: QueuedTicket): Promise<number> {
    const mine = queueSk(ticket);
    return [...this.tenants]
      .flatMap((tenantId) => this.items.query(tenantKey(tenantId)))
      .filter(
        ({ ticket: each }) =>
          each.status === 'open' && each.department === ticket.department && compareKeys(queueSk(each), mine) < 0,
      ).length;
  }

  async moveStatus(
    tenantId: string,
    ticketId: string,
    from: TicketStatus,
    to: TicketStatus,
    at: string,
  ): Promise<boolean> {
    const item = this.items.get(tenantKey(tenantId), ticketKey(ticketId));
    if (!item || item.ticket.status !== from) return false;
    this.items.put(tenantKey(tenantId), ticketKey(ticketId), {
      ...item,
      ticket: { ...item.ticket, status: to, updatedAt: at },
    });
    return true;
  }
}
