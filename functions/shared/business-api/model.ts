import { z } from 'zod';

/**
 * Tolerant schemas of the .NET Account and Traction API responses. Unknown fields are ignored; enum values are
 * matched case- and separator-insensitively (.NET sends "OnTrack", "on_track" or "on-track"); everything but
 * identity fields is optional, so a wrong-typed field is dropped (see parse.ts) rather than failing the source.
 */

const normalizeEnum = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/[\s_-]/g, '').toLowerCase() : value;

/** An enum that accepts any casing/separators and yields the canonical snake_case value. */
const looseEnum = <const T extends readonly [string, ...string[]]>(values: T) => {
  const byKey = new Map(values.map((value) => [value.replace(/_/g, ''), value]));
  return z.preprocess((value) => byKey.get(normalizeEnum(value) as string) ?? value, z.enum(values));
};

const id = z.union([z.string().min(1), z.number()]).transform(String);
const text = z.string().trim().min(1);
const isoDate = z.iso.datetime({ offset: true, local: true }).or(z.iso.date());
const percent = z.number().min(0).max(100);

export const sourceNames = ['foundation', 'goals', 'goalStats', 'performance', 'actions', 'issues'] as const;
/** The six business data sources the insights read. */
export type SourceName = (typeof sourceNames)[number];

export const coreValueSchema = z.union([
  text.transform((name) => ({ name, description: undefined as string | undefined })),
  z.object({ name: text, description: text.optional() }),
]);

export const foundationSchema = z.object({
  businessName: text.optional(),
  industry: text.optional(),
  vision: text.optional(),
  purpose: text.optional(),
  mission: text.optional(),
  niche: text.optional(),
  coreValues: z.array(coreValueSchema).optional(),
  yearFounded: z.number().int().optional(),
  employeeCount: z.number().int().nonnegative().optional(),
});

export const goalStatusSchema = looseEnum(['not_started', 'on_track', 'at_risk', 'behind', 'completed']);

export const goalSchema = z.object({
  id,
  title: text,
  description: text.optional(),
  status: goalStatusSchema.optional(),
  progress: percent.optional(),
  targetDate: isoDate.optional(),
  owner: text.optional(),
  category: text.optional(),
});

export const goalStatsSchema = z.object({
  totalGoals: z.number().int().nonnegative().optional(),
  completed: z.number().int().nonnegative().optional(),
  onTrack: z.number().int().nonnegative().optional(),
  atRisk: z.number().int().nonnegative().optional(),
  behind: z.number().int().nonnegative().optional(),
  notStarted: z.number().int().nonnegative().optional(),
  completionRate: percent.optional(),
  averageProgress: percent.optional(),
});

export const scoreComponentSchema = z.object({
  name: text,
  score: z.number().min(0).max(100),
  target: z.number().min(0).max(100).optional(),
  weight: z.number().min(0).max(1).optional(),
});

export const performanceSchema = z.object({
  overallScore: z.number().min(0).max(100).optional(),
  components: z.array(scoreComponentSchema).optional(),
  trend: looseEnum(['up', 'down', 'flat']).optional(),
  periodStart: isoDate.optional(),
  periodEnd: isoDate.optional(),
});

export const actionStatusSchema = looseEnum(['open', 'in_progress', 'blocked', 'done', 'cancelled']);

export const actionSchema = z.object({
  id,
  title: text,
  status: actionStatusSchema.optional(),
  dueDate: isoDate.optional(),
  assignee: text.optional(),
  goalId: id.optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
});

export const prioritySchema = looseEnum(['low', 'medium', 'high', 'critical']);

export const issueSchema = z.object({
  id,
  title: text,
  description: text.optional(),
  priority: prioritySchema.optional(),
  status: looseEnum(['open', 'in_progress', 'resolved', 'closed']).optional(),
  owner: text.optional(),
  goalId: id.optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
});

/** The schema of each source's payload (after the optional `{ data }` envelope is removed). */
export const sourceSchemas = {
  foundation: foundationSchema,
  goals: z.array(goalSchema),
  goalStats: goalStatsSchema,
  performance: performanceSchema,
  actions: z.array(actionSchema),
  issues: z.array(issueSchema),
} as const;

export type Foundation = z.infer<typeof foundationSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type GoalStats = z.infer<typeof goalStatsSchema>;
export type Performance = z.infer<typeof performanceSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Issue = z.infer<typeof issueSchema>;

/** Why a source is missing from a snapshot. */
export const dataGapReasonSchema = z.enum(['timeout', 'http_error', 'network_error', 'invalid_response']);

/** A source that could not be read; the insights name it so the user knows what was missing. */
export const dataGapSchema = z.object({
  source: z.enum(sourceNames),
  reason: dataGapReasonSchema,
  status: z.number().int().optional(),
});
export type DataGap = z.infer<typeof dataGapSchema>;

/** One tenant's business data as read at `fetchedAt`; a source that failed is absent and listed in `gaps`. */
export interface BusinessSnapshot {
  readonly tenantId: string;
  readonly fetchedAt: string;
  readonly foundation?: Foundation;
  readonly goals?: readonly Goal[];
  readonly goalStats?: GoalStats;
  readonly performance?: Performance;
  readonly actions?: readonly Action[];
  readonly issues?: readonly Issue[];
  readonly gaps: readonly DataGap[];
  /** How many values were dropped for having the wrong type, per source. */
  readonly dropped: Readonly<Partial<Record<SourceName, number>>>;
}
