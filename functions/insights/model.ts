import { z } from 'zod';
import { dataGapSchema, sourceNames } from '../shared/business-api/model';

export const categories = ['strategy', 'operations', 'finance', 'marketing', 'leadership'] as const;
export const priorities = ['low', 'medium', 'high', 'critical'] as const;
export const statuses = ['active', 'dismissed', 'acknowledged'] as const;

export const categorySchema = z.enum(categories);
export const prioritySchema = z.enum(priorities);
export const statusSchema = z.enum(statuses);
export const insightSourceSchema = z.enum(['llm', 'rules']);

export type Category = z.infer<typeof categorySchema>;
export type Priority = z.infer<typeof prioritySchema>;
export type InsightStatus = z.infer<typeof statusSchema>;

/** A data point an insight rests on: where it came from, what it measures, its value. */
export const evidenceSchema = z.object({
  source: z.enum([...sourceNames, 'signals']),
  metric: z.string().trim().min(1).max(120),
  value: z.union([z.string().trim().min(1).max(200), z.number(), z.boolean()]),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** What the model (or the rules generator) writes for one insight, before ids, status and times are added. */
export const insightDraftSchema = z.object({
  title: z.string().trim().min(3).max(60),
  description: z.string().trim().min(10).max(1200),
  category: categorySchema,
  priority: prioritySchema,
  actionable: z.boolean(),
  suggestedActions: z.array(z.string().trim().min(3).max(300)).min(1).max(5),
  evidence: z.array(evidenceSchema).min(1).max(8),
  /** The computed signal the insight is about, when there is one; it fingerprints dismissals. */
  signalKey: z.string().trim().min(1).max(160).optional(),
});
export type InsightDraft = z.infer<typeof insightDraftSchema>;

export const MIN_INSIGHTS = 5;
export const MAX_INSIGHTS = 10;

/** The structured output the model must return (the Converse tool's input schema is derived from it). */
export const insightsOutputSchema = z.object({
  insights: z.array(insightDraftSchema).min(MIN_INSIGHTS).max(MAX_INSIGHTS),
});
export type InsightsOutput = z.infer<typeof insightsOutputSchema>;

/** One insight as stored and returned. */
export const insightSchema = insightDraftSchema.extend({
  id: z.string(),
  status: statusSchema,
  source: insightSourceSchema,
  fingerprint: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Insight = z.infer<typeof insightSchema>;

/** Which template produced a set, and with which model: kept with every stored artifact. */
export const provenanceSchema = z.object({
  promptTopic: z.string(),
  promptVersion: z.string(),
  modelId: z.string().optional(),
  outcome: z.enum(['ok', 'repaired', 'fallback', 'rules']),
  /** Why the rules wrote the set instead of the model (e.g. `usage_limit_exceeded`, `model_unavailable`). */
  reason: z.string().optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** A tenant's generated insight set. */
export interface InsightSet {
  readonly tenantId: string;
  readonly setId: string;
  readonly generatedAt: string;
  readonly expiresAt: string;
  readonly insights: readonly Insight[];
  readonly dataGaps: readonly z.infer<typeof dataGapSchema>[];
  readonly provenance: Provenance;
  /** Bumped by every status change; a new set replaces this one only if it is unchanged since it was read. */
  readonly revision: number;
}

/** Kinds of deterministic facts computed from the business data. */
export const signalKinds = [
  'goal_at_risk',
  'goal_behind',
  'goal_overdue',
  'low_goal_completion',
  'score_component_below_target',
  'low_overall_score',
  'score_trending_down',
  'overdue_actions',
  'stalled_actions',
  'blocked_actions',
  'open_high_impact_issue',
  'vision_without_goals',
  'purpose_without_goals',
  'goal_without_actions',
  'strong_performance',
] as const;
export type SignalKind = (typeof signalKinds)[number];

/** A deterministic fact about the business: handed to the model, and the ground truth its output is checked against. */
export interface Signal {
  /** Stable across days for the same situation (e.g. `goal_at_risk:g-12`), so a dismissal can suppress it. */
  readonly key: string;
  readonly kind: SignalKind;
  readonly category: Category;
  readonly priority: Priority;
  /** One sentence with the real numbers, e.g. "Goal 'Open second location' is at risk at 35% progress". */
  readonly summary: string;
  readonly facts: readonly Evidence[];
}

const pageSize = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1).max(100);

/** Query of `GET /insights`; `pageSize` is accepted as an alias of `page_size`. */
export const listInsightsQuerySchema = z
  .object({
    page: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1)
      .max(10000)
      .default(1),
    page_size: pageSize.optional(),
    pageSize: pageSize.optional(),
    category: categorySchema.optional(),
    priority: prioritySchema.optional(),
    status: z.union([statusSchema, z.literal('all')]).default('active'),
  })
  .strict()
  .transform(({ page, page_size, pageSize: alias, category, priority, status }) => ({
    page,
    pageSize: page_size ?? alias ?? 20,
    category,
    priority,
    status,
  }));
export type ListInsightsQuery = z.output<typeof listInsightsQuerySchema>;

/** Path of the per-insight routes. */
export const insightIdParamsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an insight id'),
});

export const dataGapResponseSchema = dataGapSchema;

/** Response of `GET /insights`. */
export const insightPageSchema = z.object({
  items: z.array(insightSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
  generatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  stale: z.boolean(),
  dataGaps: z.array(dataGapSchema),
  provenance: provenanceSchema,
});

/** Response of `GET /insights/summary`. */
export const insightSummarySchema = z.object({
  total: z.number().int(),
  byCategory: z.record(categorySchema, z.number().int()),
  byPriority: z.record(prioritySchema, z.number().int()),
  byStatus: z.record(statusSchema, z.number().int()),
  generatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  stale: z.boolean(),
});

const labelled = z.object({ id: z.string(), label: z.string(), description: z.string() });
/** Response of `GET /insights/categories`. */
export const insightCategoriesSchema = z.object({ categories: z.array(labelled), priorities: z.array(labelled) });

/** Response of the dismiss and acknowledge routes. */
export const insightResponseSchema = z.object({ insight: insightSchema });
