import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { parseItem } from '../dynamo/items';
import { KeyedItems } from '../dynamo/memory';
import { queryAll } from '../dynamo/paging';
import { conditionalCheckFailed, writeIf } from '../dynamo/writes';

/** The labels a topic can carry: production serves requests, staging is what a dry-run uses by default. */
export const promptLabels = ['production', 'staging'] as const;
export const promptLabelSchema = z.enum(promptLabels);
export type PromptLabel = z.infer<typeof promptLabelSchema>;

/** One indexed template version. */
export const promptVersionRecordSchema = z.object({
  topic: z.string(),
  version: z.string(),
  /** `pending` between the index claim and the content write of a publish. */
  status: z.enum(['pending', 'valid', 'invalid']),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
  /** sha256 of the validated template; a changed body under the same version is refused. */
  checksum: z.string(),
  /** The S3 object version holding this content, when the bucket is versioned. */
  objectVersion: z.optional(z.string()),
  title: z.optional(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type PromptVersionRecord = z.infer<typeof promptVersionRecordSchema>;

/** Who moved a label to which version, and when. */
export const labelMoveSchema = z.object({ version: z.string(), movedBy: z.string(), movedAt: z.string() });
export type LabelMove = z.infer<typeof labelMoveSchema>;

/** A label's current version and the versions it pointed at before (newest last), for rollback. */
export const labelRecordSchema = z.extend(labelMoveSchema, {
  topic: z.string(),
  label: promptLabelSchema,
  history: z.array(labelMoveSchema),
});
export type LabelRecord = z.infer<typeof labelRecordSchema>;

/** Outcome of claiming a version in the index. */
export type VersionClaim = 'created' | 'same_content' | 'different_content';

/** The prompt registry's index: which versions exist, whether they are valid, and where each label points. */
export interface PromptIndex {
  topics(): Promise<string[]>;
  versions(topic: string): Promise<PromptVersionRecord[]>;
  version(topic: string, version: string): Promise<PromptVersionRecord | undefined>;
  /**
   * Records a version unless a valid or pending one exists (an invalid one is replaced: it never served); an
   * existing version is reported as same or different content.
   */
  claimVersion(record: PromptVersionRecord): Promise<VersionClaim>;
  /** Sets a claimed version's status, problems and object version. */
  completeVersion(record: PromptVersionRecord): Promise<void>;
  labels(topic: string): Promise<LabelRecord[]>;
  label(topic: string, label: PromptLabel): Promise<LabelRecord | undefined>;
  /** Writes a label if it still points at `expectedVersion` (undefined: if it does not exist); false otherwise. */
  putLabel(record: LabelRecord, expectedVersion: string | undefined): Promise<boolean>;
}

const topicKey = (topic: string): string => `TOPIC#${topic}`;
const versionKey = (version: string): string => `VERSION#${version}`;
const labelKey = (label: PromptLabel): string => `LABEL#${label}`;
const TOPICS_KEY = 'TOPICS';

type Item = Record<string, unknown>;

/** A stored version: completeVersion writes `objectVersion` as null when the bucket is not versioned. */
const versionItemSchema = z.extend(promptVersionRecordSchema, { objectVersion: z.optional(z.nullable(z.string())) });
/** An entry of the topic list. */
const topicItemSchema = z.object({ topic: z.string() });

/** Items are parsed on the way out, so a hand-edited item cannot reach the registry in a wrong shape. */
const toVersion = (item: Item): PromptVersionRecord => {
  const { objectVersion, ...record } = parseItem(versionItemSchema, item);
  return objectVersion === null || objectVersion === undefined ? record : { ...record, objectVersion };
};
const toLabel = (item: Item): LabelRecord => parseItem(labelRecordSchema, item);

/** PromptIndex on one DynamoDB table: `TOPIC#<topic>` partitions with VERSION# and LABEL# items, plus a topic list. */
export class DynamoPromptIndex implements PromptIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async topics(): Promise<string[]> {
    return (await this.query(TOPICS_KEY)).map((item) => parseItem(topicItemSchema, item).topic).sort();
  }

  async versions(topic: string): Promise<PromptVersionRecord[]> {
    return (await this.query(topicKey(topic), 'VERSION#')).map(toVersion);
  }

  async version(topic: string, version: string): Promise<PromptVersionRecord | undefined> {
    const item = await this.get(topicKey(topic), versionKey(version));
    return item && toVersion(item);
  }

  async claimVersion(record: PromptVersionRecord): Promise<VersionClaim> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: topicKey(record.topic), sk: versionKey(record.version), ...record },
        ConditionExpression: 'attribute_not_exists(pk) OR #status = :invalid',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':invalid': 'invalid' },
      }),
    );
    if (!written) {
      const existing = await this.version(record.topic, record.version);
      return existing?.checksum === record.checksum ? 'same_content' : 'different_content';
    }
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: TOPICS_KEY, sk: record.topic, topic: record.topic } }),
    );
    return 'created';
  }

  async completeVersion(record: PromptVersionRecord): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: topicKey(record.topic), sk: versionKey(record.version) },
        UpdateExpression: 'SET #status = :status, problems = :problems, objectVersion = :objectVersion',
        ConditionExpression: 'checksum = :checksum',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': record.status,
          ':problems': record.problems,
          ':objectVersion': record.objectVersion ?? null,
          ':checksum': record.checksum,
        },
      }),
    );
  }

  async labels(topic: string): Promise<LabelRecord[]> {
    return (await this.query(topicKey(topic), 'LABEL#')).map(toLabel);
  }

  async label(topic: string, label: PromptLabel): Promise<LabelRecord | undefined> {
    const item = await this.get(topicKey(topic), labelKey(label));
    return item && toLabel(item);
  }

  async putLabel(record: LabelRecord, expectedVersion: string | undefined): Promise<boolean> {
    const { written } = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: topicKey(record.topic), sk: labelKey(record.label), ...record },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
    return written;
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  private async query(pk: string, prefix?: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': pk, ':prefix': prefix } : { ':pk': pk },
      ConsistentRead: true,
    });
  }
}

/**
 * PromptIndex in memory with DynamoPromptIndex's semantics (the contract suite runs the same cases on both), for unit
 * tests: a claim creates a version unless a valid or pending one exists, completing a version that is not there with
 * that checksum fails as the conditional update does and changes only status, problems and object version, a label is
 * written only if it still points where the caller expects; versions and labels come in key order. Reads return
 * copies. Test hook: while `failing` is set, every call fails as an unreachable table would.
 */
export class InMemoryPromptIndex implements PromptIndex {
  private readonly topicNames = new Set<string>();
  /** Versions and labels by topic and sort key, as the table keeps them. */
  private readonly versionRecords = new KeyedItems<PromptVersionRecord>();
  private readonly labelRecords = new KeyedItems<LabelRecord>();
  /** Test hook: every call fails while set. */
  failing = false;

  async topics(): Promise<string[]> {
    this.check();
    return [...this.topicNames].sort();
  }

  async versions(topic: string): Promise<PromptVersionRecord[]> {
    this.check();
    return this.versionRecords.query(topic);
  }

  async version(topic: string, version: string): Promise<PromptVersionRecord | undefined> {
    this.check();
    return this.versionRecords.get(topic, versionKey(version));
  }

  async claimVersion(record: PromptVersionRecord): Promise<VersionClaim> {
    this.check();
    const existing = this.versionRecords.get(record.topic, versionKey(record.version));
    if (existing && existing.status !== 'invalid') {
      return existing.checksum === record.checksum ? 'same_content' : 'different_content';
    }
    this.versionRecords.put(record.topic, versionKey(record.version), record);
    this.topicNames.add(record.topic);
    return 'created';
  }

  async completeVersion(record: PromptVersionRecord): Promise<void> {
    this.check();
    const existing = this.versionRecords.get(record.topic, versionKey(record.version));
    if (existing?.checksum !== record.checksum) throw conditionalCheckFailed();
    const { objectVersion: _previous, ...kept } = existing;
    const { status, problems, objectVersion } = record;
    this.versionRecords.put(record.topic, versionKey(record.version), {
      ...kept,
      status,
      problems,
      ...(objectVersion === undefined ? {} : { objectVersion }),
    });
  }

  async labels(topic: string): Promise<LabelRecord[]> {
    this.check();
    return this.labelRecords.query(topic);
  }

  async label(topic: string, label: PromptLabel): Promise<LabelRecord | undefined> {
    this.check();
    return this.labelRecords.get(topic, labelKey(label));
  }

  async putLabel(record: LabelRecord, expectedVersion: string | undefined): Promise<boolean> {
    this.check();
    if (this.labelRecords.get(record.topic, labelKey(record.label))?.version !== expectedVersion) return false;
    this.labelRecords.put(record.topic, labelKey(record.label), record);
    return true;
  }

  private check(): void {
    if (this.failing) throw new Error('index unreachable');
  }
}
