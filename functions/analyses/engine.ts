import { createHash } from 'node:crypto';
import type { BusinessSnapshot, SourceName } from '../shared/business-api/model';
import { ModelOutputInvalidError } from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import { callStructured } from '../shared/llm/structured-call';
import type { ModelTool } from '../shared/llm/port';
import { renderPrompt } from '../shared/prompts/render';
import type { PromptStore } from '../shared/prompts/template';
import type { ModelGateway } from '../shared/usage/gateway';
import * as z from '../shared/zod';
import {
  renderActions,
  renderFoundation,
  renderGoals,
  renderGoalStats,
  renderIssues,
  renderPerformance,
  renderSource,
} from '../insights/prompt-context';
import type { AnalysisContext, AnalysisProvenance, AnyAnalysisDefinition } from './model';

/** The request type analyses are metered as (limits, budgets and routing apply to it). */
export const ANALYSIS_REQUEST_TYPE = 'analysis';

/** What a run produced: the result and where it came from. */
export interface AnalysisRun {
  readonly result: unknown;
  readonly provenance: AnalysisProvenance;
}

/** What an analysis prompt says for a source that could not be read (do not guess it). */
const UNREAD = '(not available: this source could not be read, so do not assume anything about it)';

/** How each .NET source reads in an analysis prompt, under its heading (the insights prompt's compact lines). */
const sections: Readonly<Record<SourceName, readonly [string, (snapshot: BusinessSnapshot) => string]>> = {
  foundation: ['COMPANY', (s) => renderSource(s, 'foundation', s.foundation, renderFoundation, UNREAD)],
  goals: ['GOALS', (s) => renderSource(s, 'goals', s.goals, (goals) => renderGoals(goals), UNREAD)],
  goalStats: ['GOAL STATS', (s) => renderSource(s, 'goalStats', s.goalStats, renderGoalStats, UNREAD)],
  performance: ['PERFORMANCE SCORE', (s) => renderSource(s, 'performance', s.performance, renderPerformance, UNREAD)],
  actions: ['ACTIONS', (s) => renderSource(s, 'actions', s.actions, (actions) => renderActions(actions), UNREAD)],
  issues: ['ISSUES', (s) => renderSource(s, 'issues', s.issues, (issues) => renderIssues(issues), UNREAD)],
};

/** The recipe's sources of a snapshot as prompt text, one headed section each. */
export const renderBusiness = (snapshot: BusinessSnapshot, sources: readonly SourceName[]): string =>
  sources.length === 0
    ? 'none (this analysis reads no business data)'
    : sources.map((source) => `${sections[source][0]}\n${sections[source][1](snapshot)}`).join('\n\n');

/**
 * SHA-256 (hex) of what an analysis read: its type, request, the recipe's sources as read (gaps included, not the
 * fetch time) and the history. Two runs on the same input hash the same, whatever the model answered.
 */
export const inputHash = (definition: AnyAnalysisDefinition, context: AnalysisContext<unknown>): string => {
  const data = Object.fromEntries(
    definition.recipe.sources.map((source) => [source, context.snapshot[source as keyof BusinessSnapshot] ?? null]),
  );
  return createHash('sha256')
    .update(
      JSON.stringify({
        type: definition.type,
        request: context.request,
        data,
        gaps: context.snapshot.gaps,
        history: context.history,
        today: context.today,
      }),
    )
    .digest('hex');
};

/** The rules' answer: the type's offline implementation over its own facts. */
export const runOffline = (definition: AnyAnalysisDefinition, context: AnalysisContext<unknown>): AnalysisRun => ({
  result: definition.offline(context, definition.precompute(context)),
  provenance: {
    promptTopic: definition.promptTopic,
    modelId: 'rules',
    inputHash: inputHash(definition, context),
    outcome: 'offline',
  },
});

const tools = new WeakMap<AnyAnalysisDefinition, ModelTool>();

/**
 * The forced tool of a type: `record_<type>` with the result schema's JSON Schema as its input schema, derived on
 * the type's first run and kept (deriving it costs milliseconds).
 */
const toolOf = (definition: AnyAnalysisDefinition): ModelTool => {
  let tool = tools.get(definition);
  if (!tool) {
    tool = {
      name: `record_${definition.type.replaceAll('-', '_')}`,
      description: `Record the ${definition.type} analysis.`,
      inputSchema: z.toJSONSchema(definition.resultSchema, { io: 'input' }) as Record<string, unknown>,
    };
    tools.set(definition, tool);
  }
  return tool;
};

/**
 * The model's answer: the type's template rendered with today, the request, the recipe's data and the facts; a
 * forced tool; output checked against the result schema and the type's validators together, so the one repair round
 * names both the schema problems and the inconsistencies. Still invalid after it: ModelOutputInvalidError (502,
 * nothing stored).
 */
export const runWithModel = async (
  definition: AnyAnalysisDefinition,
  context: AnalysisContext<unknown>,
  invocation: Invocation,
  deps: { readonly prompts: PromptStore; readonly gateway: ModelGateway },
): Promise<AnalysisRun> => {
  const facts: unknown = definition.precompute(context);
  const template = await deps.prompts.active(definition.promptTopic);
  const rendered = renderPrompt(template, {
    today: context.today,
    request: JSON.stringify(context.request),
    business: renderBusiness(context.snapshot, definition.recipe.sources),
    facts: JSON.stringify(facts),
  });
  const consistent = definition.resultSchema.check(
    z.superRefine((result, check) => {
      for (const inconsistency of definition.validate(result, facts, context)) {
        check.addIssue({ code: 'custom', message: `${inconsistency.name}: ${inconsistency.detail}`, input: result });
      }
    }),
  );
  const answer = await callStructured(
    deps.gateway,
    {
      invocation,
      requestType: ANALYSIS_REQUEST_TYPE,
      template,
      system: rendered.system,
      messages: [{ role: 'user', text: rendered.user }],
      tool: toolOf(definition),
    },
    consistent,
  );
  if (!answer.ok) {
    invocation.log.warn('analysis output invalid after the repair round', {
      type: definition.type,
      problems: answer.problems.slice(0, 10),
    });
    throw new ModelOutputInvalidError(
      `The model's ${definition.type} analysis stayed invalid after a repair round`,
      answer.problems.slice(0, 20),
    );
  }
  return {
    result: answer.value,
    provenance: {
      promptTopic: template.topic,
      templateVersion: template.version,
      modelId: answer.modelId,
      inputHash: inputHash(definition, context),
      outcome: answer.repaired ? 'repaired' : 'ok',
    },
  };
};
