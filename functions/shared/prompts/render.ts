import { PromptRenderError } from './errors';
import type { PromptTemplate } from './template';

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The variables a text uses, in order of first use. */
export const placeholdersIn = (text: string): string[] => [
  ...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string)),
];

/** Problems with `{{` `}}` pairing: every opener needs a closer before the next opener. */
export const braceProblems = (text: string, field: string): string[] => {
  const withoutPlaceholders = text.replace(PLACEHOLDER, '');
  const opens = withoutPlaceholders.split('{{').length - 1;
  const closes = withoutPlaceholders.split('}}').length - 1;
  return opens === 0 && closes === 0 ? [] : [`${field}: unbalanced or malformed {{ }} placeholder`];
};

/** The system and user messages of a rendered template. */
export interface RenderedPrompt {
  readonly system: string;
  readonly user: string;
}

/**
 * Renders a template with the given values. A variable used but not declared, declared but not supplied, or a
 * malformed placeholder is an error: a template is never sent half-rendered.
 */
export const renderPrompt = (template: PromptTemplate, values: Readonly<Record<string, string>>): RenderedPrompt => {
  const declared = new Set(template.variables);
  const used = new Set([...placeholdersIn(template.system_prompt), ...placeholdersIn(template.user_prompt_template)]);
  const problems = [
    ...braceProblems(template.system_prompt, 'system_prompt'),
    ...braceProblems(template.user_prompt_template, 'user_prompt_template'),
    ...[...used].filter((name) => !declared.has(name)).map((name) => `{{${name}}} is used but not declared`),
    ...[...declared].filter((name) => !used.has(name)).map((name) => `${name} is declared but never used`),
    ...[...declared].filter((name) => values[name] === undefined).map((name) => `${name} has no value`),
  ];
  if (problems.length > 0) {
    throw new PromptRenderError(`Cannot render ${template.topic} ${template.version}`, problems);
  }
  const fill = (text: string): string => text.replace(PLACEHOLDER, (_, name: string) => values[name] as string);
  return { system: fill(template.system_prompt), user: fill(template.user_prompt_template) };
};
