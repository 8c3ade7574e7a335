/**
 * Section 4: prompt input tokens of `insights_generation`. The active template rendered with the values the service
 * sends (`insightPromptValues`: one line per record, short handles, signals with only the facts the data does not
 * state) versus the seed: template v1.0 with each data variable filled with its source's raw response body as
 * `JSON.stringify(value, null, 2)` and each signal as its summary sentence. Both carry the trend signals of the
 * tenant's demo metric history (120 days, as `npm start` seeds it) and are counted with `estimateTokens` over the
 * system and user messages. Target: at most half the seed's tokens per demo tenant.
 */
import type { SourceName } from '../functions/shared/business-api/model';
import { estimateTokens } from '../functions/shared/llm/tokens';
import { InMemoryMetricHistory } from '../functions/shared/metrics/store';
import { recordSnapshotTrends } from '../functions/shared/metrics/tenant-trends';
import { logger } from '../functions/shared/observability';
import { renderPrompt, type RenderedPrompt } from '../functions/shared/prompts/render';
import { promptStore, templateLimits } from '../functions/shared/adapters';
import { INSIGHTS_TOPIC } from '../functions/insights/llm-insight-generator';
import type { Signal } from '../functions/insights/model';
import { insightPromptValues, type InsightPromptValues } from '../functions/insights/prompt-context';
import { computeSignals } from '../functions/insights/signals';
import { DEMO_HISTORY_DAYS, seedDemoMetrics } from '../local/demo-metrics';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateTemplate } from '../functions/shared/prompts/validate';
import { fetchRawSources, fetchSnapshot, REPO_ROOT } from './local';
import { printTable } from '../local/print-table';
import { atMost, count, printHeading, printNotes, type TargetResult } from './support';

/** The template variables that carry a source's data, and that source. */
const dataVariables = {
  business_profile: 'foundation',
  goals: 'goals',
  goal_stats: 'goalStats',
  performance: 'performance',
  actions: 'actions',
  issues: 'issues',
} as const satisfies Partial<Record<keyof InsightPromptValues, SourceName>>;

/** The seed's bar: the rendered prompt is at most this share of the seed prompt's tokens. */
const MAX_RATIO = 0.5;
const SEED_VERSION = 'v1.0';

const tokensOf = (prompt: RenderedPrompt): number => estimateTokens(prompt.system) + estimateTokens(prompt.user);

/** The seed template as the prompts folder ships it. */
const seedTemplate = async () => {
  const text = await readFile(join(REPO_ROOT, 'prompts', INSIGHTS_TOPIC, `${SEED_VERSION}.json`), 'utf8');
  const validation = validateTemplate(text, templateLimits());
  if (!validation.ok) throw new Error(`the seed template ${SEED_VERSION} is invalid`);
  return validation.template;
};

/** The signals as the seed rendered them: one summary sentence each. */
const summaryLines = (signals: readonly Signal[]): string =>
  signals.map((s) => `- ${s.key} (${s.priority}, ${s.category}): ${s.summary}`).join('\n');

/** Rendered vs seed prompt tokens per demo tenant, trend signals included. */
export const benchPromptTokens = async (tenants: readonly string[]): Promise<TargetResult[]> => {
  printHeading('4. Prompt input tokens: rendered prompt vs the seed template with raw JSON (estimateTokens)');
  const [template, seed] = await Promise.all([promptStore().active(INSIGHTS_TOPIC), seedTemplate()]);
  const rows: string[][] = [];
  const results: TargetResult[] = [];
  for (const tenantId of tenants) {
    const now = new Date();
    const history = new InMemoryMetricHistory();
    await seedDemoMetrics(history, [tenantId], DEMO_HISTORY_DAYS * 2, now);
    const [snapshot, raw] = await Promise.all([fetchSnapshot(tenantId), fetchRawSources(tenantId)]);
    const trends = await recordSnapshotTrends(history, logger, snapshot, now, DEMO_HISTORY_DAYS * 2);
    const signals = computeSignals(snapshot, now, {}, trends);
    const values = insightPromptValues(snapshot, signals, [], now);
    const seedValues: InsightPromptValues = {
      ...values,
      signals: summaryLines(signals),
      ...Object.fromEntries(
        Object.entries(dataVariables).map(([variable, source]) => [variable, JSON.stringify(raw[source], null, 2)]),
      ),
    };
    const renderedTokens = tokensOf(renderPrompt(template, values));
    const seedTokens = tokensOf(renderPrompt(seed, seedValues));
    const ratio = renderedTokens / seedTokens;
    const trendSignals = signals.filter((s) => s.facts.some((f) => f.source === 'history')).length;
    rows.push([tenantId, count(signals.length), count(trendSignals), count(renderedTokens), count(seedTokens)]);
    results.push(atMost(`Prompt tokens ${tenantId} (rendered / seed)`, ratio, MAX_RATIO, (r) => `${r.toFixed(2)}x`));
  }
  printTable(['tenant', 'signals', 'from history', 'rendered', 'seed'], rows);
  printNotes(
    `Rendered: ${template.topic} ${template.version} with insightPromptValues. Seed: ${SEED_VERSION} with raw JSON`,
    '  bodies (indent 2) and summary-sentence signals. Same snapshot, signals and trends; system + user message.',
  );
  return results;
};
