import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyAnalysisDefinition } from '../../../functions/analyses/model';
import { goalPlanAnalysis } from '../../../functions/analyses/types/goal-plan';
import { intentAnalysis } from '../../../functions/analyses/types/intent';
import { rootCauseAnalysis } from '../../../functions/analyses/types/root-cause';
import { strategyAlignmentAnalysis } from '../../../functions/analyses/types/strategy-alignment';
import { validateTemplate } from '../../../functions/shared/prompts/validate';

const definitions: readonly AnyAnalysisDefinition[] = [
  goalPlanAnalysis,
  rootCauseAnalysis,
  strategyAlignmentAnalysis,
  intentAnalysis,
];

const templateOf = (definition: AnyAnalysisDefinition): unknown =>
  JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'prompts', definition.promptTopic, 'v1.0.json'), 'utf8'),
  ) as unknown;

describe('analysis prompts', () => {
  it.each(definitions.map((definition) => [definition.type, definition]))(
    '%s has a valid v1.0 template in the analysis phase with exactly the engine variables',
    (type, definition) => {
      const validation = validateTemplate(templateOf(definition), { maxBytes: 64_000 });

      expect(validation).toMatchObject({ ok: true });
      if (!validation.ok) return;
      expect(validation.template).toMatchObject({
        topic: definition.promptTopic,
        phase: 'analysis',
        output_schema: type,
      });
      expect([...validation.template.variables].sort()).toEqual(['business', 'facts', 'request', 'today']);
    },
  );

  it('runs the standard types on Sonnet and intent on Haiku at temperature 0', () => {
    const models = definitions.map((definition) => (templateOf(definition) as { model: object }).model);

    expect(models.slice(0, 3).map((model) => (model as { id: string }).id)).toEqual(
      Array(3).fill('us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    );
    expect(models[3]).toMatchObject({ id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0 });
  });
});
