import * as z from '../shared/zod';
import { pageFields, pagedQuery } from '../shared/pagination';
import { dataGapSchema, sourceNames } from '../shared/business-api/model';
import { generationSchema } from '../shared/jobs/model';

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
  source: z.enum([...sourceNames, 'signals', 'history']),
  metric: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)),
  value: z.union([z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), z.number(), z.boolean()]),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** What the model (or the rules generator) writes for one insight, before ids, status and times are added. */
export const insightDraftSchema = z.object({
  title: z.string().check(z.trim(), z.minLength(3), z.maxLength(60)),
  description: z.string().check(z.trim(), z.minLength(10), z.maxLength(1200)),
  category: categorySchema,
  priority: prioritySchema,
  actionable: z.boolean(),
  suggestedActions: z
    .array(z.string().check(z.trim(), z.minLength(3), z.maxLength(300)))
    .check(z.minLength(1), z.maxLength(5)),
  evidence: z.array(evidenceSchema).check(z.minLength(1), z.maxLength(8)),
  /** The computed signal the insight is about, when there is one; it fingerprints dismissals. */
  signalKey: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(160))),
});
export type InsightDraft = z.infer<typeof insightDraftSchema>;

export const MIN_INSIGHTS = 5;
export const MAX_INSIGHTS = 10;

/** The structured output the model must return (the Converse tool's input schema is derived from it). */
export const insightsOutputSchema = z.object({
  insights: z.array(insightDraftSchema).check(z.minLength(MIN_INSIGHTS), z.maxLength(MAX_INSIGHTS)),
});
export type InsightsOutput = z.infer<typeof insightsOutputSchema>;

/** One insight as stored and returned. */
export const insightSchema = z.extend(insightDraftSchema, {
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
  modelId: z.optional(z.string()),
  outcome: z.enum(['ok', 'repaired', 'fallback', 'rules']),
  /** Why the rules wrote the set instead of the model (e.g. `usage_limit_exceeded`, `model_unavailable`). */
  reason: z.optional(z.string()),
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
  'targets_beaten',
  'goals_on_track',
  'score_change',
  'unusual_change',
  'new_trend',
  'goal_stalled',
  'goal_off_pace',
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

/**
 * Query of `GET /insights`: filters (status `active` unless asked, `all` for every status), then the pagination
 * every list shares (`cursor`, `page_size`).
 */
export const listInsightsQuerySchema = pagedQuery(
  {
    category: z.optional(categorySchema),
    priority: z.optional(prioritySchema),
    status: z._default(z.union([statusSchema, z.literal('all')]), 'active'),
  },
  20,
);
export type ListInsightsQuery = z.output<typeof listInsightsQuerySchema>;

/** Path of the per-insight routes. */
export const insightIdParamsSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an insight id')),
});

/** Response of `GET /insights`. */
export const insightPageSchema = z.object({
  items: z.array(insightSchema),
  ...pageFields,
  /** How many insights match the filters, on every page. */
  total: z.number().check(z.int()),
  generatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  stale: z.boolean(),
  /** Who wrote the set: the model, or the deterministic rules (at once on a miss, or when the model could not). */
  source: z.enum(['llm', 'rules']),
  /** The latest generation job: pending or running while a newer set is being made. */
  generation: z.optional(generationSchema),
  dataGaps: z.array(dataGapSchema),
  provenance: provenanceSchema,
});

/** Response of `GET /insights/summary`. */
export const insightSummarySchema = z.object({
  total: z.number().check(z.int()),
  byCategory: z.record(categorySchema, z.number().check(z.int())),
  byPriority: z.record(prioritySchema, z.number().check(z.int())),
  byStatus: z.record(statusSchema, z.number().check(z.int())),
  generatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  stale: z.boolean(),
  source: z.enum(['llm', 'rules']),
  generation: z.optional(generationSchema),
});

const labelled = z.object({ id: z.string(), label: z.string(), description: z.string() });
/** Response of `GET /insights/categories`. */
export const insightCategoriesSchema = z.object({ categories: z.array(labelled), priorities: z.array(labelled) });

/** Response of the dismiss and acknowledge routes. */
export const insightResponseSchema = z.object({ insight: insightSchema });
