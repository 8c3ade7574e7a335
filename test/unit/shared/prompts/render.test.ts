import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { placeholdersIn, renderPrompt } from '../../../../functions/shared/prompts/render';
import { promptTemplateSchema, type PromptTemplate } from '../../../../functions/shared/prompts/template';
import { PromptRenderError } from '../../../../functions/shared/errors';

const template = (overrides: Partial<PromptTemplate>): PromptTemplate => ({
  topic: 'demo_topic',
  version: 'v1.0',
  metadata: { title: 'Demo', description: 'Demo template' },
  system_prompt: 'You coach {{company}}.',
  user_prompt_template: 'Goals:\n{{ goals }}',
  variables: ['company', 'goals'],
  created_at: '2026-11-21T00:00:00Z',
  created_by: 'test',
  ...overrides,
});

const renderError = (run: () => unknown): PromptRenderError => {
  try {
    run();
  } catch (error) {
    if (error instanceof PromptRenderError) return error;
    throw error;
  }
  throw new Error('expected a PromptRenderError');
};

describe('renderPrompt', () => {
  it('fills every placeholder, tolerating spaces inside the braces', () => {
    const rendered = renderPrompt(template({}), { company: 'Acme', goals: '- grow' });

    expect(rendered).toEqual({ system: 'You coach Acme.', user: 'Goals:\n- grow' });
  });

  it('leaves values containing braces as they are (no second pass)', () => {
    const rendered = renderPrompt(template({}), { company: '{{goals}}', goals: 'x' });

    expect(rendered.system).toBe('You coach {{goals}}.');
  });

  it('rejects a variable used but not declared', () => {
    const error = renderError(() => renderPrompt(template({ variables: ['company'] }), { company: 'A', goals: 'g' }));

    expect(error.problems).toContain('{{goals}} is used but not declared');
  });

  it('rejects a declared variable with no value and one never used, listing both', () => {
    const error = renderError(() =>
      renderPrompt(template({ variables: ['company', 'goals', 'unused'] }), { company: 'A', unused: 'u' }),
    );

    expect(error.problems).toEqual(['unused is declared but never used', 'goals has no value']);
  });

  it('rejects unbalanced braces', () => {
    const error = renderError(() =>
      renderPrompt(template({ system_prompt: 'You coach {{company}. {{' }), { company: 'A', goals: 'g' }),
    );

    expect(error.problems).toContain('system_prompt: unbalanced or malformed {{ }} placeholder');
  });

  it('rejects a malformed placeholder in the user prompt, never sending it half-rendered', () => {
    const error = renderError(() =>
      renderPrompt(template({ user_prompt_template: 'Goals:\n{{ goals }}\nNotes: {{notes}' }), {
        company: 'A',
        goals: 'g',
      }),
    );

    expect(error.problems).toEqual(['user_prompt_template: unbalanced or malformed {{ }} placeholder']);
  });
});

describe('the seed insights_generation template', () => {
  it('is valid and declares exactly the variables it uses', () => {
    const raw = JSON.parse(readFileSync(join(__dirname, '../../../../prompts/insights_generation/v1.0.json'), 'utf8'));
    const seed = promptTemplateSchema.parse(raw);
    const used = [...placeholdersIn(seed.system_prompt), ...placeholdersIn(seed.user_prompt_template)];

    expect(new Set(used)).toEqual(new Set(seed.variables));
  });
});
