import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PromptTemplate } from '../../functions/shared/prompts/template';

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
