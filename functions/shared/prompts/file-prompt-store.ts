import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogSink } from '../observability';
import type { PromptStore, PromptTemplate } from './template';
import { validateTemplate, type TemplateLimits } from './validate';
import { compareVersionsDescending, versionFromFileName } from './versions';
import { PromptUnavailableError } from '../errors';

/**
 * Serves templates from a folder laid out like the bucket, `<dir>/<topic>/<version>.json`: the copy bundled with
 * each function. The newest version that passes the one template validation (and sits at its own path) serves, so
 * one broken file cannot take a topic down.
 */
export class FilePromptStore implements PromptStore {
  constructor(
    private readonly dir: string,
    private readonly limits: TemplateLimits,
    private readonly log: LogSink,
  ) {}

  async active(topic: string): Promise<PromptTemplate> {
    const folder = join(this.dir, topic);
    const files = await readdir(folder).catch((error: unknown) => {
      throw new PromptUnavailableError(`No prompt folder for topic "${topic}"`, { cause: error });
    });
    const versions = files.map(versionFromFileName).filter((version): version is string => version !== undefined);
    for (const version of versions.sort(compareVersionsDescending)) {
      const text = await readFile(join(folder, `${version}.json`), 'utf8').catch((error: unknown) => {
        this.log.warn('unreadable prompt template', { topic, version, error: String(error) });
      });
      if (text === undefined) continue;
      const validation = validateTemplate(text, this.limits);
      if (validation.ok && validation.template.topic === topic && validation.template.version === version) {
        return validation.template;
      }
      this.log.warn('skipping invalid prompt template', {
        topic,
        version,
        problems: validation.ok ? [{ field: 'version', message: 'does not match its path' }] : validation.problems,
      });
    }
    throw new PromptUnavailableError(`No valid template for topic "${topic}"`);
  }
}
