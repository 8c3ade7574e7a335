import type { PromptTemplate } from './template';
import { PromptRenderError } from '../errors';

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The variables a text uses, in order of first use. */
export const placeholdersIn = (text: string): string[] => [
  ...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string)),
];

/** The problem with a text's `{{ }}` placeholders: any `{{` or `}}` left once the well-formed ones are removed. */
export const BRACE_PROBLEM = 'unbalanced or malformed {{ }} placeholder';

/** True when the text has a `{{` or `}}` that is not part of a well-formed placeholder. */
export const hasMalformedBraces = (text: string): boolean => {
  const rest = text.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
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
    ...(hasMalformedBraces(template.system_prompt) ? [`system_prompt: ${BRACE_PROBLEM}`] : []),
    ...(hasMalformedBraces(template.user_prompt_template) ? [`user_prompt_template: ${BRACE_PROBLEM}`] : []),
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
