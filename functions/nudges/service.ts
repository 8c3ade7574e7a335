import { randomUUID } from 'node:crypto';
import type { Goal } from '../shared/business-api/model';
import { onBehalfOf, type BusinessData } from '../shared/business-api/port';
import { NotFoundError, UnprocessableError } from '../shared/errors';
import type { Invocation } from '../shared/invocation';
import { fieldProblems } from '../shared/problems';
import { localTime, showableFrom } from './local-time';
import type { NudgePhraser } from './phrasing';
import {
  actionMetadataSchemas,
  DEFAULT_SETTINGS,
  settingsPatchSchema,
  type Activity,
  type ActivityInput,
  type IngestResult,
  type KnownAction,
  type Nudge,
  type NudgeSettings,
  type SettingsPatch,
} from './model';
import { allowed, DAILY_CAPS, PRIORITY_RANK } from './policy';
import { project, type EntityState } from './projection';
import { DAY_MS, HOUR_MS, type NudgeCandidate } from './rules/candidate';
import { patternCandidates } from './rules/patterns';
import { REACTIVE_ACTIONS, reactiveCandidates } from './rules/reactive';
import { timeCandidates } from './rules/time';
import { nudgeId, type NudgeChange, type NudgeStore, type StoredNudge, type UserKey, type UserRecords } from './store';

/** The nudges use cases' tunables (config.ts). */
export interface NudgeTunables {
  readonly activityRetentionDays: number;
  readonly dismissCooldownDays: number;
  readonly patternNewActivities: number;
  readonly scheduleMaxUsers: number;
}

/** What the nudges use cases depend on. */
export interface NudgeServiceDeps {
  readonly store: NudgeStore;
  /** The Traction API's goals (time triggers); a failed read leaves them out. */
  readonly businessData: BusinessData;
  readonly clock: () => Date;
  readonly tunables: NudgeTunables;
  /** Rewords the messages of the nudges a delivery raises (a model, or the rules' own words). */
  readonly phraser: NudgePhraser;
}

/** Patterns are computed again when their last computation is this old. */
const PATTERN_MAX_AGE_MS = 7 * DAY_MS;
/** The schedule looks at users active on this many last UTC days. */
export const SCHEDULE_ACTIVE_DAYS = 7;

const isKnown = (action: string): action is KnownAction => Object.hasOwn(actionMetadataSchemas, action);

/** The user's settings, their stored choices over the defaults. */
export const effectiveSettings = (stored: SettingsPatch): NudgeSettings => ({
  ...DEFAULT_SETTINGS,
  ...stored,
  types: { ...DEFAULT_SETTINGS.types, ...stored.types },
});

/** A stored nudge as the API shows it. */
const shown = ({ showFrom: _from, cooldownUntil: _until, ...nudge }: StoredNudge): Nudge => nudge;

/** Highest priority first, then the newest. */
const byPriority = (a: Nudge, b: Nudge): number =>
  PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.createdAt.localeCompare(a.createdAt);

/** Whether a nudge is waiting to be shown now: not seen, dismissed, snoozed, expired, nor held for quiet hours. */
const pending = (nudge: StoredNudge, now: string, settings: NudgeSettings): boolean =>
  nudge.seenAt === undefined &&
  nudge.dismissedAt === undefined &&
  (nudge.snoozedUntil === undefined || nudge.snoozedUntil <= now) &&
  nudge.showFrom <= now &&
  nudge.expiresAt > now &&
  allowed(nudge, settings);

/**
 * The order candidates take the day's deliveries in: the best of each kind first (so a pile of time nudges cannot
 * crowd out the one pattern the history supports), then the rest; each by priority.
 */
export const capOrder = (candidates: readonly NudgeCandidate[]): NudgeCandidate[] => {
  const ranked = [...candidates].sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]);
  const leaders = ranked.filter(
    (candidate, index) => ranked.findIndex((other) => other.type === candidate.type) === index,
  );
  return [...leaders, ...ranked.filter((candidate) => !leaders.includes(candidate))];
};

const userOf = (invocation: Invocation): UserKey => ({
  tenantId: invocation.caller.tenantId,
  userId: invocation.caller.userId,
});

/**
 * The coach's nudges: records what users do, raises reactive nudges at once, time and pattern nudges on a read and on
 * the hourly schedule, within each user's settings (level, types, caps per day, cooldowns, quiet hours).
 */
export class NudgeService {
  constructor(private readonly deps: NudgeServiceDeps) {}

  /**
   * Records an activity (once per eventId) and raises the reactive nudges it calls for; answers the nudges to show
   * now. Metadata of a known action is checked against its schema (422 naming every bad field).
   */
  async ingest(invocation: Invocation, input: ActivityInput): Promise<IngestResult> {
    if (isKnown(input.action)) {
      const schema = actionMetadataSchemas[input.action];
      const parsed = schema.safeParse(input.metadata);
      if (!parsed.success) {
        throw new UnprocessableError(
          `The metadata of ${input.action} is not valid`,
          fieldProblems(schema, parsed.error.issues, input.metadata, { prefix: 'body.metadata' }),
        );
      }
    }
    const now = this.deps.clock();
    const user = userOf(invocation);
    const activity: Activity = {
      eventId: input.eventId ?? randomUUID(),
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      metadata: input.metadata,
      occurredAt: new Date(input.occurredAt ?? now).toISOString(),
      receivedAt: now.toISOString(),
    };
    const expiresAt = new Date(now.getTime() + this.deps.tunables.activityRetentionDays * DAY_MS);
    const reacts = REACTIVE_ACTIONS.has(activity.action);
    // The history is read alongside the conditional put (one round trip less); the new activity is added to it.
    const [recorded, , history] = await Promise.all([
      this.deps.store.recordActivity(user, activity, expiresAt),
      this.deps.store.touchActive(user, now.toISOString().slice(0, 10)),
      reacts ? this.deps.store.records(user, now) : undefined,
    ]);
    if (!recorded) {
      const first = await this.deps.store.activity(user, activity.eventId);
      return { activity: first ?? activity, duplicate: true, nudges: [] };
    }
    if (!history) return { activity, duplicate: false, nudges: [] };
    const records = {
      ...history,
      activities: [...history.activities.filter((each) => each.eventId !== activity.eventId), activity],
    };
    const settings = effectiveSettings(records.settings);
    const raised = await this.deliver(
      invocation,
      reactiveCandidates(activity, project(records.activities)),
      settings,
      records,
      now,
    );
    const nowIso = now.toISOString();
    return {
      activity,
      duplicate: false,
      nudges: raised.filter((nudge) => pending(nudge, nowIso, settings)).map(shown),
    };
  }

  /** The user's pending nudges, after raising the time (and, when due, pattern) nudges their data calls for. */
  async list(invocation: Invocation): Promise<Nudge[]> {
    const now = this.deps.clock();
    const { records, raised, settings } = await this.evaluate(invocation, now);
    const nowIso = now.toISOString();
    const byKey = new Map(records.nudges.map((nudge) => [`${nudge.rule}#${nudge.entityId ?? '-'}`, nudge]));
    for (const nudge of raised) byKey.set(`${nudge.rule}#${nudge.entityId ?? '-'}`, nudge);
    if (showableFrom(now, settings.timeZone, settings.quietHours) > now) return [];
    return [...byKey.values()]
      .filter((nudge) => pending(nudge, nowIso, settings))
      .map(shown)
      .sort(byPriority);
  }

  /**
   * Raises the time nudges (and the pattern nudges when their last computation is a week old or enough activity
   * arrived since) for the invocation's user: what a read and the hourly schedule do. Answers how many it raised.
   */
  async evaluate(
    invocation: Invocation,
    now: Date,
  ): Promise<{ records: UserRecords; raised: StoredNudge[]; settings: NudgeSettings }> {
    const user = userOf(invocation);
    const [records, goals] = await Promise.all([this.deps.store.records(user, now), this.goals(invocation)]);
    const settings = effectiveSettings(records.settings);
    if (!settings.enabled) return { records, raised: [], settings };
    const state = project(records.activities);
    const candidates = [
      ...timeCandidates(state, goals, now, settings),
      ...(await this.patternsDue(user, records, state, settings, now)),
    ];
    return { records, raised: await this.deliver(invocation, candidates, settings, records, now), settings };
  }

  /** Marks a nudge seen (the first time counts). */
  seen(invocation: Invocation, id: string): Promise<Nudge> {
    return this.change(invocation, id, { kind: 'seen', at: this.deps.clock().toISOString() });
  }

  /** Dismisses a nudge: the same rule and entity stays quiet for the dismissal cooldown (30 days). */
  dismiss(invocation: Invocation, id: string): Promise<Nudge> {
    const now = this.deps.clock();
    const cooldownUntil = new Date(now.getTime() + this.deps.tunables.dismissCooldownDays * DAY_MS).toISOString();
    return this.change(invocation, id, { kind: 'dismiss', at: now.toISOString(), cooldownUntil });
  }

  /** Snoozes a nudge for 1 or 24 hours; it shows again afterwards (as not yet seen). */
  snooze(invocation: Invocation, id: string, hours: 1 | 24): Promise<Nudge> {
    const until = new Date(this.deps.clock().getTime() + hours * HOUR_MS).toISOString();
    return this.change(invocation, id, { kind: 'snooze', until });
  }

  /** The user's settings (defaults for what they never set). */
  async settings(invocation: Invocation): Promise<NudgeSettings> {
    return effectiveSettings((await this.deps.store.records(userOf(invocation), this.deps.clock())).settings);
  }

  /** Changes the settings a body names (422 naming every bad field); the others keep their value. */
  async updateSettings(invocation: Invocation, body: unknown): Promise<NudgeSettings> {
    const parsed = settingsPatchSchema.safeParse(body);
    if (!parsed.success) {
      throw new UnprocessableError(
        'The settings are not valid',
        fieldProblems(settingsPatchSchema, parsed.error.issues, body, { prefix: 'body' }),
      );
    }
    const patch = parsed.data;
    const user = userOf(invocation);
    const types = patch.types
      ? {
          ...effectiveSettings((await this.deps.store.records(user, this.deps.clock())).settings).types,
          ...patch.types,
        }
      : undefined;
    return effectiveSettings(await this.deps.store.saveSettings(user, { ...patch, ...(types ? { types } : {}) }));
  }

  /** The users the hourly schedule evaluates: active on the last SCHEDULE_ACTIVE_DAYS UTC days, at most the bound. */
  dueUsers(now: Date): Promise<UserKey[]> {
    const days = Array.from({ length: SCHEDULE_ACTIVE_DAYS }, (_, back) =>
      new Date(now.getTime() - back * DAY_MS).toISOString().slice(0, 10),
    );
    return this.deps.store.activeUsers(days, this.deps.tunables.scheduleMaxUsers);
  }

  private async change(invocation: Invocation, id: string, change: NudgeChange): Promise<Nudge> {
    const changed = await this.deps.store.change(userOf(invocation), id, change);
    if (!changed) throw new NotFoundError(`No nudge ${id}`);
    return shown(changed);
  }

  private async goals(invocation: Invocation): Promise<readonly Goal[]> {
    try {
      return (await this.deps.businessData.snapshot(onBehalfOf(invocation), ['goals'])).goals ?? [];
    } catch (error) {
      invocation.log.warn('goals not read for nudges', { error: String(error) });
      return [];
    }
  }

  /** The pattern candidates, when patterns are on and due; notes the computation. */
  private async patternsDue(
    user: UserKey,
    records: UserRecords,
    state: EntityState,
    settings: NudgeSettings,
    now: Date,
  ): Promise<NudgeCandidate[]> {
    if (!settings.patternInsights || !settings.types.pattern) return [];
    const mark = records.patterns;
    const due =
      !mark ||
      now.getTime() - Date.parse(mark.computedAt) >= PATTERN_MAX_AGE_MS ||
      records.activities.length - mark.activityCount >= this.deps.tunables.patternNewActivities;
    if (!due) return [];
    await this.deps.store.markPatterns(user, now.toISOString(), records.activities.length);
    return patternCandidates(state, now, settings.timeZone);
  }

  /**
   * Raises the candidates the settings let through, in capOrder: each takes one of the day's deliveries
   * (the level's cap), is rephrased with the others that took one, and is stored unless the same rule and entity is
   * cooling down (then the delivery is given back). A candidate that would expire before quiet hours end is dropped.
   */
  private async deliver(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
    settings: NudgeSettings,
    records: UserRecords,
    now: Date,
  ): Promise<StoredNudge[]> {
    const user = userOf(invocation);
    const nowIso = now.toISOString();
    const cooling = new Set(
      records.nudges
        .filter((nudge) => nudge.cooldownUntil > nowIso)
        .map((nudge) => `${nudge.rule}#${nudge.entityId ?? '-'}`),
    );
    const showFrom = showableFrom(now, settings.timeZone, settings.quietHours);
    const day = localTime(now, settings.timeZone).date;
    const raised: StoredNudge[] = [];
    const ordered = capOrder(
      candidates.filter(
        (candidate) => allowed(candidate, settings) && !cooling.has(`${candidate.rule}#${candidate.entityId ?? '-'}`),
      ),
    );
    const claimed: NudgeCandidate[] = [];
    for (const candidate of ordered) {
      if (showFrom.getTime() >= now.getTime() + candidate.ttlHours * HOUR_MS) continue;
      if (!(await this.deps.store.claimDelivery(user, day, DAILY_CAPS[settings.coachLevel]))) break;
      claimed.push(candidate);
    }
    // Only the nudges that took a delivery are rephrased (one model call at most; none once the day's cap is reached).
    for (const candidate of await this.deps.phraser.rephrase(invocation, claimed, settings)) {
      const { ttlHours, cooldownHours, ...fields } = candidate;
      const expiresAt = new Date(now.getTime() + ttlHours * HOUR_MS);
      const nudge: StoredNudge = {
        ...fields,
        evidence: [...fields.evidence],
        ...(fields.actionParams ? { actionParams: { ...fields.actionParams } } : {}),
        id: nudgeId(candidate.rule, candidate.entityId, nowIso),
        createdAt: nowIso,
        expiresAt: expiresAt.toISOString(),
        showFrom: showFrom.toISOString(),
        cooldownUntil: new Date(now.getTime() + cooldownHours * HOUR_MS).toISOString(),
      };
      if (await this.deps.store.raise(user, nudge, now)) raised.push(nudge);
      else await this.deps.store.releaseDelivery(user, day);
    }
    return raised;
  }
}
