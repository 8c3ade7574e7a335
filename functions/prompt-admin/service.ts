import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { LogSink } from '../shared/observability';
import { promptLabelSchema } from '../shared/prompts/prompt-index';
import type { LabelRecord, PromptIndex, PromptLabel, PromptVersionRecord } from '../shared/prompts/prompt-index';
import type { PromptTemplate } from '../shared/prompts/template';
import type { TemplateContent } from '../shared/prompts/template-content';
import { validateTemplate, type TemplateLimits, type TemplateValidation } from '../shared/prompts/validate';
import { compareVersionsDescending } from '../shared/prompts/versions';
import { ConflictError, NotFoundError, UnprocessableError } from '../shared/errors';

/** The ports the registry runs on. */
export interface PromptRegistryDependencies {
  readonly index: PromptIndex;
  readonly content: TemplateContent;
  readonly limits: TemplateLimits;
  readonly clock: () => Date;
  readonly log: LogSink;
}

/** A topic with its labelled versions. */
export interface TopicSummary {
  readonly topic: string;
  readonly labels: Partial<Record<PromptLabel, string>>;
  readonly latestVersion?: string;
  readonly versions: number;
}

/** The outcome of a publish: `created` is false when the same content was already published. */
export interface PublishResult {
  readonly created: boolean;
  readonly record: PromptVersionRecord;
  readonly label?: LabelRecord;
}

/** A readable difference between two versions. */
export interface TemplateDiff {
  readonly from: string;
  readonly to: string;
  readonly changedFields: readonly string[];
  readonly unified: string;
}

/** What indexing a file found in the bucket did. */
export type UploadOutcome = 'indexed_valid' | 'indexed_invalid' | 'already_indexed' | 'rejected_change';

/** How many earlier versions a label remembers for rollback. */
const LABEL_HISTORY = 20;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const pretty = (template: PromptTemplate): string => `${JSON.stringify(template, null, 2)}\n`;

/**
 * The prompt registry: publish immutable, validated versions; move the production and staging labels; roll back;
 * index files dropped straight into the bucket; compare versions. The index is the truth of what exists and what
 * serves; the bucket holds the bodies.
 */
export class PromptRegistry {
  constructor(private readonly deps: PromptRegistryDependencies) {}

  /** Every topic with its labelled versions. */
  async topics(): Promise<TopicSummary[]> {
    const topics = await this.deps.index.topics();
    return Promise.all(
      topics.map(async (topic) => {
        const [versions, labels] = await Promise.all([this.deps.index.versions(topic), this.deps.index.labels(topic)]);
        const latest = versions.map((record) => record.version).sort(compareVersionsDescending)[0];
        return {
          topic,
          labels: Object.fromEntries(labels.map((label) => [label.label, label.version])),
          ...(latest ? { latestVersion: latest } : {}),
          versions: versions.length,
        };
      }),
    );
  }

  /** A topic's versions, newest first, with its labels. */
  async versions(topic: string): Promise<{ versions: PromptVersionRecord[]; labels: LabelRecord[] }> {
    const [versions, labels] = await Promise.all([this.deps.index.versions(topic), this.deps.index.labels(topic)]);
    if (versions.length === 0) throw new NotFoundError(`No prompt topic "${topic}"`);
    return { versions: versions.sort((a, b) => compareVersionsDescending(a.version, b.version)), labels };
  }

  /** The version a reference names: a version as is, or the version a label points at (404 when unset). */
  async resolve(topic: string, reference: string): Promise<string> {
    if (!promptLabelSchema.safeParse(reference).success) return reference;
    const label = await this.deps.index.label(topic, reference as PromptLabel);
    if (!label) throw new NotFoundError(`${topic} has no ${reference} label`);
    return label.version;
  }

  /** One version's index record and, when it is valid, its template. */
  async version(topic: string, version: string): Promise<{ record: PromptVersionRecord; template?: PromptTemplate }> {
    const record = await this.requireVersion(topic, version);
    if (record.status !== 'valid') return { record };
    const loaded = validateTemplate(
      await this.deps.content.read(topic, version, record.objectVersion),
      this.deps.limits,
    );
    return loaded.ok ? { record, template: loaded.template } : { record };
  }

  /**
   * Publishes a new version: validated (422 with every problem), immutable (409 when the version exists with
   * other content; the same content again is a no-op), then optionally labelled. The metadata is the server's: a
   * template without `created_at` or `created_by` is stamped with now and the publisher (a version published before
   * keeps its stamp, so publishing it again stays a no-op). A template that says `"is_active": true` takes the
   * production label unless another label is asked for. `expectedTopic` (the API's path names one) must be the
   * template's own; without it, the template's topic is taken (the CLI publishes a file from anywhere).
   */
  async publish(
    expectedTopic: string | undefined,
    body: unknown,
    by: string,
    label?: PromptLabel,
  ): Promise<PublishResult> {
    const validation = await this.stamped(body, by);
    const { template, checksum } = validation;
    const { topic } = template;
    if (expectedTopic !== undefined && topic !== expectedTopic) {
      throw new UnprocessableError(
        'The template is for another topic',
        [{ field: 'topic', message: `is "${topic}" but the path names "${expectedTopic}"` }],
        'invalid_template',
      );
    }
    const claimed: PromptVersionRecord = {
      topic,
      version: template.version,
      status: 'pending',
      problems: [],
      checksum,
      title: template.metadata.title,
      createdBy: by,
      createdAt: this.deps.clock().toISOString(),
    };
    const claim = await this.deps.index.claimVersion(claimed);
    if (claim === 'different_content') {
      throw new ConflictError(
        `${topic} ${template.version} is already published with different content; publish a new version`,
      );
    }
    const existing = claim === 'same_content' ? await this.requireVersion(topic, template.version) : undefined;
    const record =
      existing?.status === 'valid' ? existing : await this.writeContent(existing ?? claimed, pretty(template));
    const target = label ?? (template.is_active ? 'production' : undefined);
    return {
      created: claim === 'created',
      record,
      ...(target ? { label: await this.moveLabel(topic, target, template.version, by) } : {}),
    };
  }

  /** Points a label at a valid version; idempotent; 409 when another move raced this one. */
  async moveLabel(topic: string, label: PromptLabel, version: string, by: string): Promise<LabelRecord> {
    const record = await this.requireVersion(topic, version);
    if (record.status !== 'valid') {
      throw new UnprocessableError(
        `${topic} ${version} is not valid and cannot be labelled`,
        record.problems,
        'invalid_template',
      );
    }
    const current = await this.deps.index.label(topic, label);
    if (current?.version === version) return current;
    const moved: LabelRecord = {
      topic,
      label,
      version,
      movedBy: by,
      movedAt: this.deps.clock().toISOString(),
      history: current
        ? [...current.history, { version: current.version, movedBy: current.movedBy, movedAt: current.movedAt }].slice(
            -LABEL_HISTORY,
          )
        : [],
    };
    if (!(await this.deps.index.putLabel(moved, current?.version))) {
      throw new ConflictError(`The ${label} label of ${topic} moved meanwhile; reload and try again`);
    }
    this.deps.log.info('prompt label moved', { topic, label, from: current?.version, to: version, by });
    return moved;
  }

  /** Moves production back to the version it pointed at before; 409 when there is none. */
  async rollback(topic: string, by: string): Promise<LabelRecord> {
    const current = await this.deps.index.label(topic, 'production');
    const previous = current?.history.at(-1);
    if (!current || !previous) throw new ConflictError(`${topic} has no earlier production version to roll back to`);
    const rolledBack: LabelRecord = {
      topic,
      label: 'production',
      version: previous.version,
      movedBy: by,
      movedAt: this.deps.clock().toISOString(),
      history: current.history.slice(0, -1),
    };
    if (!(await this.deps.index.putLabel(rolledBack, current.version))) {
      throw new ConflictError(`The production label of ${topic} moved meanwhile; reload and try again`);
    }
    this.deps.log.info('prompt rolled back', { topic, from: current.version, to: previous.version, by });
    return rolledBack;
  }

  /**
   * Indexes a file that arrived in the bucket (S3 event): valid or invalid with every problem. A changed body under
   * an already indexed version is not accepted (the index keeps the original checksum and object version). A valid
   * file that says `"is_active": true` takes the production label.
   */
  async indexUpload(
    topic: string,
    version: string,
    objectVersion: string | undefined,
    by: string,
  ): Promise<UploadOutcome> {
    const text = await this.deps.content.read(topic, version, objectVersion);
    const validation = validateTemplate(text, this.deps.limits);
    const mismatch =
      validation.ok && (validation.template.topic !== topic || validation.template.version !== version)
        ? [{ field: 'version', message: `the file says ${validation.template.topic} ${validation.template.version}` }]
        : [];
    const problems = validation.ok ? mismatch : validation.problems;
    const record: PromptVersionRecord = {
      topic,
      version,
      status: problems.length === 0 ? 'valid' : 'invalid',
      problems: [...problems],
      checksum: validation.ok ? validation.checksum : sha256(text),
      ...(objectVersion ? { objectVersion } : {}),
      ...(validation.ok ? { title: validation.template.metadata.title } : {}),
      createdBy: by,
      createdAt: this.deps.clock().toISOString(),
    };
    const claim = await this.deps.index.claimVersion(record);
    if (claim === 'different_content') {
      this.deps.log.error('a published prompt version was overwritten in the bucket; the index keeps the original', {
        topic,
        version,
        objectVersion,
      });
      return 'rejected_change';
    }
    if (claim === 'same_content') {
      const existing = await this.requireVersion(topic, version);
      if (existing.status === 'pending')
        await this.deps.index.completeVersion({ ...existing, status: record.status, objectVersion });
      return 'already_indexed';
    }
    if (record.status === 'invalid') {
      this.deps.log.warn('invalid prompt template in the bucket', { topic, version, problems });
      return 'indexed_invalid';
    }
    if (validation.ok && validation.template.is_active) await this.moveLabel(topic, 'production', version, by);
    return 'indexed_valid';
  }

  /**
   * A readable diff of two versions (or the versions two labels point at): the fields that changed and a unified diff
   * of their JSON. `from` and `to` of the answer are the versions compared.
   */
  async diff(topic: string, fromReference: string, toReference: string): Promise<TemplateDiff> {
    const [from, to] = await Promise.all([this.resolve(topic, fromReference), this.resolve(topic, toReference)]);
    const [before, after] = await Promise.all([this.version(topic, from), this.version(topic, to)]);
    if (!before.template || !after.template) {
      throw new UnprocessableError('Only valid versions can be compared', [
        ...(before.template ? [] : [{ field: 'from', message: `${from} is ${before.record.status}` }]),
        ...(after.template ? [] : [{ field: 'to', message: `${to} is ${after.record.status}` }]),
      ]);
    }
    const fields = [...new Set([...Object.keys(before.template), ...Object.keys(after.template)])];
    const value = (template: PromptTemplate, field: string): string =>
      JSON.stringify((template as Record<string, unknown>)[field]);
    return {
      from,
      to,
      changedFields: fields.filter((field) => value(before.template!, field) !== value(after.template!, field)),
      unified: createTwoFilesPatch(
        `${topic}/${from}.json`,
        `${topic}/${to}.json`,
        pretty(before.template),
        pretty(after.template),
      ),
    };
  }

  /** The validated template with the server's metadata where it has none (422 with every problem). */
  private async stamped(body: unknown, by: string): Promise<Extract<TemplateValidation, { ok: true }>> {
    const validation = validateTemplate(body, this.deps.limits, {
      created_at: this.deps.clock().toISOString(),
      created_by: by,
    });
    if (!validation.ok)
      throw new UnprocessableError('The template is not valid', validation.problems, 'invalid_template');
    if (validation.defaulted.length === 0) return validation;
    const { topic, version } = validation.template;
    const earlier = await this.deps.index.version(topic, version);
    if (earlier?.status !== 'valid') return validation;
    const { template } = await this.version(topic, version);
    if (!template) return validation;
    const restamped = validateTemplate(body, this.deps.limits, {
      created_at: template.created_at,
      created_by: template.created_by,
    });
    return restamped.ok ? restamped : validation;
  }

  private async requireVersion(topic: string, version: string): Promise<PromptVersionRecord> {
    const record = await this.deps.index.version(topic, version);
    if (!record) throw new NotFoundError(`No version ${version} of prompt topic "${topic}"`);
    return record;
  }

  private async writeContent(record: PromptVersionRecord, body: string): Promise<PromptVersionRecord> {
    const { objectVersion } = await this.deps.content.write(record.topic, record.version, body);
    const valid: PromptVersionRecord = { ...record, status: 'valid', ...(objectVersion ? { objectVersion } : {}) };
    await this.deps.index.completeVersion(valid);
    return valid;
  }
}
