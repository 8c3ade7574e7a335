import { isTimeZone } from '../shared/calendar';
import * as z from '../shared/zod';

/** The kinds of nudge: what the user just did, what needs attention now, what their history shows. */
export const nudgeTypes = ['action', 'time', 'pattern'] as const;
export const nudgePriorities = ['low', 'medium', 'high', 'critical'] as const;
export type NudgeType = (typeof nudgeTypes)[number];
export type NudgePriority = (typeof nudgePriorities)[number];

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const count = z.number().check(z.int(), z.minimum(0));
const money = z.number().check(z.minimum(0));
const isoDate = z.iso.date();
const priority = z.enum(nudgePriorities);

/**
 * The metadata each known action must carry (extra fields are kept). An action not listed here is stored as it is
 * and triggers nothing.
 */
export const actionMetadataSchemas = {
  task_created: z.looseObject({
    priority,
    has_due_date: z.boolean(),
    due_date: z.optional(isoDate),
    title: z.optional(name),
  }),
  task_completed: z.looseObject({ priority, had_due_date: z.boolean(), days_to_complete: count }),
  deal_created: z.looseObject({
    value: money,
    stage: name,
    contact_id: name,
    source: z.optional(name),
    name: z.optional(name),
  }),
  deal_stage_changed: z.looseObject({ old_stage: name, new_stage: name, days_in_stage: count }),
  deal_closed: z.looseObject({
    won: z.boolean(),
    value: money,
    days_to_close: count,
    source: z.optional(name),
    contact_name: z.optional(name),
  }),
  contact_created: z.looseObject({ source: name, status: name, name: z.optional(name) }),
  contact_contacted: z.looseObject({}),
  time_logged: z.looseObject({ duration: z.number().check(z.positive()), project_id: name, is_billable: z.boolean() }),
  goal_status_changed: z.looseObject({ old_status: name, new_status: name, title: z.optional(name) }),
  goal_completed: z.looseObject({ title: z.optional(name) }),
  action_completed: z.looseObject({ title: z.optional(name) }),
  issue_created: z.looseObject({ priority, businessImpact: z.optional(name), title: z.optional(name) }),
  issue_resolved: z.looseObject({}),
  kpi_updated: z.looseObject({ name: z.optional(name), value: z.optional(z.number()) }),
} as const;
export type KnownAction = keyof typeof actionMetadataSchemas;
export const knownActions = Object.keys(actionMetadataSchemas) as KnownAction[];

const key = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(128), z.regex(/^[^#\s]+$/, 'must not contain # or spaces'));

/** `POST /coach/activity` (and `/coach/check`): one thing the user did. */
export const activityBodySchema = z.strictObject({
  action: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case')),
  entityType: z.string().check(z.minLength(1), z.maxLength(64)),
  entityId: key,
  metadata: z._default(z.record(z.string(), z.unknown()), {}),
  occurredAt: z.optional(z.iso.datetime({ offset: true })),
  eventId: z.optional(key),
});
export type ActivityInput = z.output<typeof activityBodySchema>;

/** An activity as stored and returned. */
export const activitySchema = z.object({
  eventId: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
});
export type Activity = z.infer<typeof activitySchema>;

/** A number (or a name) a nudge rests on. */
export const nudgeEvidenceSchema = z.object({ metric: z.string(), value: z.union([z.number(), z.string()]) });
export type NudgeEvidence = z.infer<typeof nudgeEvidenceSchema>;

/** Whose words a nudge's message is: the rules' own, or a model's rephrasing of them with the same facts (checked). */
export const nudgePhrasingSchema = z.object({
  source: z.enum(['rules', 'model']),
  /** The template, its version and the model that rephrased it (source `model`). */
  promptTopic: z.optional(z.string()),
  promptVersion: z.optional(z.string()),
  modelId: z.optional(z.string()),
});
export type NudgePhrasing = z.infer<typeof nudgePhrasingSchema>;

/** A nudge as the API returns it. */
export const nudgeSchema = z.object({
  id: z.string(),
  type: z.enum(nudgeTypes),
  rule: z.string(),
  message: z.string(),
  priority,
  entityType: z.optional(z.string()),
  entityId: z.optional(z.string()),
  suggestedAction: z.optional(z.string()),
  actionParams: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  evidence: z.array(nudgeEvidenceSchema),
  /** Absent on nudges raised before phrasing was recorded (their message is the rules' own). */
  phrasing: z.optional(nudgePhrasingSchema),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  seenAt: z.optional(z.iso.datetime()),
  dismissedAt: z.optional(z.iso.datetime()),
  snoozedUntil: z.optional(z.iso.datetime()),
});
export type Nudge = z.infer<typeof nudgeSchema>;

export const ingestResponseSchema = z.object({
  activity: activitySchema,
  /** Whether this eventId had been recorded before (then nothing was stored or raised again). */
  duplicate: z.boolean(),
  nudges: z.array(nudgeSchema),
});
export type IngestResult = z.infer<typeof ingestResponseSchema>;

export const nudgeListSchema = z.object({ nudges: z.array(nudgeSchema) });
export const nudgeResponseSchema = z.object({ nudge: nudgeSchema });
export const nudgeParamsSchema = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(200)) });
export const snoozeBodySchema = z.strictObject({ hours: z.union([z.literal(1), z.literal(24)]) });

const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM (00:00-23:59)'));
const timeZone = z
  .string()
  .check(z.refine((value) => isTimeZone(value), 'must be an IANA time zone such as Europe/Berlin'));
const coachLevel = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** Whether Intl knows the zone (IANA names; no date library needed). */
export { isTimeZone };

/** A user's coach settings, complete (the defaults fill what they never set). */
export const settingsSchema = z.object({
  coachLevel,
  enabled: z.boolean(),
  staleLeadDays: z.number().check(z.int(), z.minimum(1), z.maximum(365)),
  stuckDealDays: z.number().check(z.int(), z.minimum(1), z.maximum(365)),
  morningBriefing: z.boolean(),
  patternInsights: z.boolean(),
  types: z.object({ action: z.boolean(), time: z.boolean(), pattern: z.boolean() }),
  quietHours: z.nullable(z.object({ start: clock, end: clock })),
  timeZone,
});
export type NudgeSettings = z.infer<typeof settingsSchema>;

/** The settings of a user who never set any (the issue's defaults). */
export const DEFAULT_SETTINGS: NudgeSettings = {
  coachLevel: 2,
  enabled: true,
  staleLeadDays: 7,
  stuckDealDays: 14,
  morningBriefing: true,
  patternInsights: false,
  types: { action: true, time: true, pattern: true },
  quietHours: null,
  timeZone: 'UTC',
};

/** `PUT /coach/settings`: any of the settings; the others keep their value. Checked by the use case (422). */
export const settingsPatchSchema = z.strictObject({
  coachLevel: z.optional(coachLevel),
  enabled: z.optional(z.boolean()),
  staleLeadDays: z.optional(settingsSchema.shape.staleLeadDays),
  stuckDealDays: z.optional(settingsSchema.shape.stuckDealDays),
  morningBriefing: z.optional(z.boolean()),
  patternInsights: z.optional(z.boolean()),
  types: z.optional(
    z.strictObject({
      action: z.optional(z.boolean()),
      time: z.optional(z.boolean()),
      pattern: z.optional(z.boolean()),
    }),
  ),
  quietHours: z.optional(z.nullable(z.strictObject({ start: clock, end: clock }))),
  timeZone: z.optional(timeZone),
});
export type SettingsPatch = z.output<typeof settingsPatchSchema>;

/** The body the route accepts: any JSON object; its fields are checked against settingsPatchSchema (422). */
export const settingsBodySchema = z.record(z.string(), z.unknown());
export const settingsResponseSchema = z.object({ settings: settingsSchema });
