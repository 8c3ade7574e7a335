/**
 * Where template bodies live: `<topic>/<version>.json`. The S3 adapter is in s3-template-content.ts, loaded on first
 * use, so that a function which never reads a body does not load the S3 SDK.
 */
export interface TemplateContent {
  /** The JSON text of a version; `objectVersion` pins the exact object when the bucket is versioned. */
  read(topic: string, version: string, objectVersion?: string): Promise<string>;
  /** Writes a version's JSON text; returns the object version when the bucket is versioned. */
  write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }>;
}

/** The object key of a template version. */
export const templateKey = (topic: string, version: string): string => `${topic}/${version}.json`;

/** The topic and version an object key names, if it names a template (`<topic>/vX.Y.json`). */
export const parseTemplateKey = (key: string): { topic: string; version: string } | undefined => {
  const match = /^([a-z][a-z0-9_]{1,63})\/(v\d{1,4}\.\d{1,4})\.json$/.exec(key);
  return match ? { topic: match[1] as string, version: match[2] as string } : undefined;
};

/**
 * TemplateContent in memory, as an unversioned bucket (the contract suite runs the same cases on it and on S3): a
 * write replaces the body and names no object version, a read of a missing key fails as S3's NoSuchKey does. Test
 * hooks: while `failing` is set, every call fails as an unreachable bucket would; `reads` counts reads.
 */
export class InMemoryTemplateContent implements TemplateContent {
  private readonly bodies = new Map<string, string>();
  /** Test hook: every call fails while set. */
  failing = false;
  /** Test hook: how many reads were attempted. */
  reads = 0;

  async read(topic: string, version: string): Promise<string> {
    this.reads += 1;
    this.check();
    const body = this.bodies.get(templateKey(topic, version));
    if (body === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return body;
  }

  async write(topic: string, version: string, body: string): Promise<{ readonly objectVersion?: string }> {
    this.check();
    this.bodies.set(templateKey(topic, version), body);
    return {};
  }

  private check(): void {
    if (this.failing) throw new Error('bucket unreachable');
  }
}
