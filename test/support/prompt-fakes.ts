import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  LabelRecord,
  PromptIndex,
  PromptLabel,
  PromptVersionRecord,
  VersionClaim,
} from '../../functions/shared/prompts/prompt-index';
import type { PromptTemplate } from '../../functions/shared/prompts/template';
import type { TemplateContent } from '../../functions/shared/prompts/template-content';

/** The seed insights template, parsed. */
export const seedTemplate = (): PromptTemplate =>
  JSON.parse(readFileSync(join(__dirname, '../../prompts/insights_generation/v1.0.json'), 'utf8')) as PromptTemplate;

/** A version of the seed template with a different version name and a marker in the system prompt. */
export const seedVersion = (version: string, overrides: Partial<PromptTemplate> = {}): PromptTemplate => ({
  ...seedTemplate(),
  version,
  is_active: false,
  system_prompt: `${seedTemplate().system_prompt}\n(${version})`,
  ...overrides,
});

/** PromptIndex in memory with the DynamoDB adapter's conditional semantics; `failing` simulates an outage. */
export class InMemoryPromptIndex implements PromptIndex {
  readonly records = new Map<string, PromptVersionRecord>();
  readonly labelRecords = new Map<string, LabelRecord>();
  failing = false;

  private check(): void {
    if (this.failing) throw new Error('index unreachable');
  }

  async topics(): Promise<string[]> {
    this.check();
    return [...new Set([...this.records.values()].map((record) => record.topic))].sort();
  }

  async versions(topic: string): Promise<PromptVersionRecord[]> {
    this.check();
    return [...this.records.values()].filter((record) => record.topic === topic);
  }

  async version(topic: string, version: string): Promise<PromptVersionRecord | undefined> {
    this.check();
    return this.records.get(`${topic}@${version}`);
  }

  async claimVersion(record: PromptVersionRecord): Promise<VersionClaim> {
    this.check();
    const existing = this.records.get(`${record.topic}@${record.version}`);
    if (existing && existing.status !== 'invalid') {
      return existing.checksum === record.checksum ? 'same_content' : 'different_content';
    }
    this.records.set(`${record.topic}@${record.version}`, record);
    return 'created';
  }

  async completeVersion(record: PromptVersionRecord): Promise<void> {
    this.check();
    this.records.set(`${record.topic}@${record.version}`, record);
  }

  async labels(topic: string): Promise<LabelRecord[]> {
    this.check();
    return [...this.labelRecords.values()].filter((label) => label.topic === topic);
  }

  async label(topic: string, label: PromptLabel): Promise<LabelRecord | undefined> {
    this.check();
    return this.labelRecords.get(`${topic}#${label}`);
  }

  async putLabel(record: LabelRecord, expectedVersion: string | undefined): Promise<boolean> {
    this.check();
    const current = this.labelRecords.get(`${record.topic}#${record.label}`);
    if (current?.version !== expectedVersion) return false;
    this.labelRecords.set(`${record.topic}#${record.label}`, record);
    return true;
  }
}

/** TemplateContent in memory; `failing` simulates an S3 outage; `reads` counts reads. */
export class InMemoryTemplateContent implements TemplateContent {
  readonly bodies = new Map<string, string>();
  failing = false;
  reads = 0;

  async read(topic: string, version: string): Promise<string> {
    this.reads += 1;
    if (this.failing) throw new Error('bucket unreachable');
    const body = this.bodies.get(`${topic}/${version}.json`);
    if (body === undefined) throw new Error('NoSuchKey');
    return body;
  }

  async write(topic: string, version: string, body: string): Promise<{ objectVersion?: string }> {
    if (this.failing) throw new Error('bucket unreachable');
    this.bodies.set(`${topic}/${version}.json`, body);
    return {};
  }
}
