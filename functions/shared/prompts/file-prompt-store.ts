import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogSink } from '../observability';
import { PromptUnavailableError } from './errors';
import type { PromptStore, PromptTemplate } from './template';
import { loadNewestValid, versionFromFileName } from './versions';

/** Serves templates from a folder laid out like the bucket: `<dir>/<topic>/<version>.json` (the local default). */
export class FilePromptStore implements PromptStore {
  constructor(
    private readonly dir: string,
    private readonly log: LogSink,
  ) {}

  async active(topic: string): Promise<PromptTemplate> {
    const folder = join(this.dir, topic);
    const files = await readdir(folder).catch((error: unknown) => {
      throw new PromptUnavailableError(`No prompt folder for topic "${topic}"`, { cause: error });
    });
    const versions = files.map(versionFromFileName).filter((version): version is string => version !== undefined);
    return loadNewestValid(
      topic,
      versions,
      (version) => readFile(join(folder, `${version}.json`), 'utf8'),
      (version, error) => this.log.warn('skipping invalid prompt template', { topic, version, error: String(error) }),
    );
  }
}
