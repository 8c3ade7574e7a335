/**
 * Section 4: prompt input tokens of `insights_generation`, rendered with the compact values the service sends
 * (`insightPromptValues`) versus the naive prompt: each data variable filled with its source's raw response body as
 * `JSON.stringify(value, null, 2)`. Both are counted with `estimateTokens` over the system and user messages.
 */
import { promptStore } from '../functions/shared/adapters';
import type { SourceName } from '../functions/shared/business-api/model';
import { estimateTokens } from '../functions/shared/llm/tokens';
import { renderPrompt, type RenderedPrompt } from '../functions/shared/prompts/render';
import { INSIGHTS_TOPIC } from '../functions/insights/llm-insight-generator';
import { insightPromptValues, type InsightPromptValues } from '../functions/insights/prompt-context';
import { computeSignals } from '../functions/insights/signals';
import { fetchRawSources, fetchSnapshot } from './local';
import { printTable } from '../local/print-table';
import { count, info, printHeading, printNotes, type TargetResult } from './support';

/** The template variables that carry a source's data, and that source. */
const dataVariables = {
  business_profile: 'foundation',
  goals: 'goals',
  goal_stats: 'goalStats',
  performance: 'performance',
  actions: 'actions',
  issues: 'issues',
} as const satisfies Partial<Record<keyof InsightPromptValues, SourceName>>;

const tokensOf = (prompt: RenderedPrompt): number => estimateTokens(prompt.system) + estimateTokens(prompt.user);

/** Compact vs naive prompt tokens per demo tenant. */
export const benchPromptTokens = async (tenants: readonly string[]): Promise<TargetResult[]> => {
  printHeading('4. Prompt input tokens: compact values vs raw JSON payloads (estimateTokens)');
  const template = await promptStore().active(INSIGHTS_TOPIC);
  const rows: string[][] = [];
  const results: TargetResult[] = [];
  for (const tenantId of tenants) {
    const now = new Date();
    const snapshot = await fetchSnapshot(tenantId);
    const raw = await fetchRawSources(tenantId);
    const compact = insightPromptValues(snapshot, computeSignals(snapshot, now), [], now);
    const naive: InsightPromptValues = {
      ...compact,
      ...Object.fromEntries(
        Object.entries(dataVariables).map(([variable, source]) => [variable, JSON.stringify(raw[source], null, 2)]),
      ),
    };
    const compactTokens = tokensOf(renderPrompt(template, compact));
    const naiveTokens = tokensOf(renderPrompt(template, naive));
    const saving = `${((1 - compactTokens / naiveTokens) * 100).toFixed(1)}%`;
    rows.push([tenantId, count(compactTokens), count(naiveTokens), saving]);
    results.push(
      info(
        `Prompt tokens ${tenantId} (compact vs raw JSON)`,
        `${count(compactTokens)} vs ${count(naiveTokens)}, -${saving}`,
      ),
    );
  }
  printTable(['tenant', 'compact', 'raw JSON', 'saving'], rows);
  printNotes(
    `Template ${template.topic} ${template.version}; system + user message. Both prompts share today, signals, data gaps`,
    '  and dismissed topics; only the six data variables differ. No target: reported for reference.',
  );
  return results;
};
