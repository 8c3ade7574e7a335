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
import { project, PROJECTED_ACTIONS, type EntityState } from './projection';
import { advance, rebuild, restore, type StoredProjection } from './stored-projection';
import { DAY_MS, HOUR_MS, type NudgeCandidate } from './rules/candidate';
import { patternCandidates } from './rules/patterns';
import { REACTIVE_ACTIONS, reactiveCandidates } from './rules/reactive';
import { timeCandidates } from './rules/time';
import {
  nudgeId,
  ruleKey,
  type NudgeChange,
  type NudgeStore,
  type ProjectionRecord,
  type StoredNudge,
  type UserKey,
  type UserView,
} from './store';

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

/** The stored projection is rebuilt from the history when this old (which also forgets what expired since). */
const REBUILD_AFTER_MS = 7 * DAY_MS;
/** Writes of an advanced projection tried before it is dropped for the next read to rebuild. */
const PROJECTION_WRITE_ATTEMPTS = 3;
const done: Promise<void> = Promise.resolve();

/** The user's entity state for one evaluation, and the write of the projection it came with. */
interface CurrentState {
  readonly state: EntityState;
  /** The activities recorded (the patterns' "enough new activity" test). */
  readonly activityCount: number;
  /** The whole history, when it was read. */
  readonly history?: readonly Activity[];
  readonly saved: Promise<void>;
}

/** What one delivery raised, and every nudge id known to have claimed its delivery. */
interface Delivery {
  readonly raised: StoredNudge[];
  readonly claimed: Set<string>;
}

/** What an evaluation read and raised. */
export interface Evaluation extends Delivery {
  readonly view: UserView;
  readonly settings: NudgeSettings;
}

/** The ids of the nudges that claimed a delivery, on any day still kept. */
const claimedIn = (view: UserView): Set<string> =>
  new Set([...view.deliveries.values()].flatMap((deliveries) => [...deliveries.claimed]));

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

/**
 * Whether a nudge is waiting to be shown now: delivered (its claim of a day's delivery made), not seen, dismissed,
 * snoozed, expired, nor held for quiet hours.
 */
const pending = (nudge: StoredNudge, now: string, settings: NudgeSettings, claimed: ReadonlySet<string>): boolean =>
  claimed.has(nudge.id) &&
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
   * Records an activity (once per eventId), brings the user's stored projection up to date and raises the reactive
   * nudges it calls for; answers the nudges to show now. Metadata of a known action is checked against its schema
   * (422 naming every bad field). A repeated eventId raises nothing; it only applies the activity to the projection
   * if a failure left it out the first time.
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
    // The view is read alongside the conditional put (one round trip less).
    const [recorded, , view] = await Promise.all([
      this.deps.store.recordActivity(user, activity, expiresAt),
      this.deps.store.touchActive(user, now.toISOString().slice(0, 10)),
      this.deps.store.view(user, now),
    ]);
    if (!recorded) {
      const first = (await this.deps.store.activity(user, activity.eventId)) ?? activity;
      await this.catchUp(user, view, first);
      return { activity: first, duplicate: true, nudges: [] };
    }
    const current = await this.currentState(user, view, now, activity);
    const settings = effectiveSettings(view.settings);
    const candidates = REACTIVE_ACTIONS.has(activity.action) ? reactiveCandidates(activity, current.state) : [];
    const [delivery] = await Promise.all([this.deliver(invocation, candidates, settings, view, now), current.saved]);
    const nowIso = now.toISOString();
    return {
      activity,
      duplicate: false,
      nudges: delivery.raised.filter((nudge) => pending(nudge, nowIso, settings, delivery.claimed)).map(shown),
    };
  }

  /** The user's pending nudges, after raising the time (and, when due, pattern) nudges their data calls for. */
  async list(invocation: Invocation): Promise<Nudge[]> {
    const now = this.deps.clock();
    const { view, raised, claimed, settings } = await this.evaluate(invocation, now);
    const nowIso = now.toISOString();
    const byKey = new Map(view.nudges.map((nudge) => [ruleKey(nudge), nudge]));
    for (const nudge of raised) byKey.set(ruleKey(nudge), nudge);
    if (showableFrom(now, settings.timeZone, settings.quietHours) > now) return [];
    return [...byKey.values()]
      .filter((nudge) => pending(nudge, nowIso, settings, claimed))
      .map(shown)
      .sort(byPriority);
  }

  /**
   * Raises the time nudges (and the pattern nudges when their last computation is a week old or enough activity
   * arrived since) for the invocation's user: what a read and the hourly schedule do.
   */
  async evaluate(invocation: Invocation, now: Date): Promise<Evaluation> {
    const user = userOf(invocation);
    const [view, goals] = await Promise.all([this.deps.store.view(user, now), this.goals(invocation)]);
    const settings = effectiveSettings(view.settings);
    if (!settings.enabled) return { view, raised: [], claimed: claimedIn(view), settings };
    const current = await this.currentState(user, view, now);
    const candidates = [
      ...timeCandidates(current.state, goals, now, settings),
      ...(await this.patternsDue(user, view, current, settings, now)),
    ];
    const [delivery] = await Promise.all([this.deliver(invocation, candidates, settings, view, now), current.saved]);
    return { view, ...delivery, settings };
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
    return effectiveSettings(await this.deps.store.settings(userOf(invocation)));
  }

  /**
   * Changes the settings a body names (422 naming every bad field), each on its own (a type toggle too): the others
   * keep their value, and two saves of different settings at once both land.
   */
  async updateSettings(invocation: Invocation, body: unknown): Promise<NudgeSettings> {
    const parsed = settingsPatchSchema.safeParse(body);
    if (!parsed.success) {
      throw new UnprocessableError(
        'The settings are not valid',
        fieldProblems(settingsPatchSchema, parsed.error.issues, body, { prefix: 'body' }),
      );
    }
    return effectiveSettings(await this.deps.store.saveSettings(userOf(invocation), parsed.data));
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

  /**
   * The user's entity state: the stored projection (with `added` applied, saved as `saved` settles), or, when there is
   * none, it is a week old, too big for an item or `added` came out of order, the projection of the whole history
   * (stored again for the next reads).
   */
  private async currentState(user: UserKey, view: UserView, now: Date, added?: Activity): Promise<CurrentState> {
    const record = view.projection;
    const fresh = record?.projection && now.getTime() - Date.parse(record.rebuiltAt) < REBUILD_AFTER_MS;
    if (record?.projection && fresh) {
      const step = added ? advance(record.projection, added) : undefined;
      if (!step || step.kind === 'applied_before') {
        return { state: restore(record.projection), activityCount: record.projection.activityCount, saved: done };
      }
      if (step.kind === 'applied' && step.projection && added) {
        return {
          state: restore(step.projection),
          activityCount: step.projection.activityCount,
          saved: this.saveAdvanced(user, record, step.projection, added),
        };
      }
    }
    const history = await this.deps.store.activities(user, now);
    const projection = rebuild(history);
    return {
      state: projection ? restore(projection) : project(history),
      activityCount: history.length,
      history,
      saved: this.deps.store
        .saveProjection(user, { rebuiltAt: now.toISOString(), ...(projection ? { projection } : {}) }, record?.version)
        .then(() => undefined),
    };
  }

  /**
   * Stores a projection advanced by `added`. Another write to it first (a concurrent ingest or rebuild) means reading
   * it again and applying `added` to that; after PROJECTION_WRITE_ATTEMPTS the item is dropped, so the next read
   * rebuilds it from the history rather than ever serving a state without the activity.
   */
  private async saveAdvanced(
    user: UserKey,
    read: ProjectionRecord,
    advanced: StoredProjection,
    added: Activity,
  ): Promise<void> {
    let [record, projection] = [read, advanced];
    for (let attempt = 1; attempt <= PROJECTION_WRITE_ATTEMPTS; attempt += 1) {
      if (await this.deps.store.saveProjection(user, { rebuiltAt: record.rebuiltAt, projection }, record.version))
        return;
      const again = await this.deps.store.projection(user);
      if (!again?.projection) return;
      const step = advance(again.projection, added);
      if (step.kind === 'applied_before') return;
      if (step.kind !== 'applied' || !step.projection) break;
      [record, projection] = [again, step.projection];
    }
    await this.deps.store.dropProjection(user);
  }

  /** Applies a repeated event to the projection if it is the latest of its entity and the projection lacks it. */
  private async catchUp(user: UserKey, view: UserView, activity: Activity): Promise<void> {
    const record = view.projection;
    if (!record?.projection || !PROJECTED_ACTIONS.has(activity.action)) return;
    const step = advance(record.projection, activity);
    if (step.kind === 'applied' && step.projection) await this.saveAdvanced(user, record, step.projection, activity);
  }

  /** The pattern candidates, when patterns are on and due; notes the computation. */
  private async patternsDue(
    user: UserKey,
    view: UserView,
    current: CurrentState,
    settings: NudgeSettings,
    now: Date,
  ): Promise<NudgeCandidate[]> {
    if (!settings.patternInsights || !settings.types.pattern) return [];
    const mark = view.patterns;
    const due =
      !mark ||
      now.getTime() - Date.parse(mark.computedAt) >= PATTERN_MAX_AGE_MS ||
      current.activityCount - mark.activityCount >= this.deps.tunables.patternNewActivities;
    if (!due) return [];
    const history = current.history ?? (await this.deps.store.activities(user, now));
    await this.deps.store.markPatterns(user, now.toISOString(), history.length);
    return patternCandidates(project(history), now, settings.timeZone);
  }

  /**
   * Raises the candidates the settings let through, in capOrder, while the level's cap of the day's deliveries lasts:
   * the ones the remaining deliveries allow are rephrased together (one model call at most, none once the cap is
   * reached), then each is stored (unless the same rule and entity is cooling down) and claims its delivery; one the
   * cap refuses is withdrawn. A nudge is shown only once claimed, so a failure between the two writes leaves a nudge nobody
   * sees and a counter that counts only what was shown; the next evaluation claims (or withdraws) such a nudge.
   * A candidate that would expire before quiet hours end is dropped.
   */
  private async deliver(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
    settings: NudgeSettings,
    view: UserView,
    now: Date,
  ): Promise<Delivery> {
    const user = userOf(invocation);
    const nowIso = now.toISOString();
    const cap = DAILY_CAPS[settings.coachLevel];
    const claimed = claimedIn(view);
    for (const nudge of view.nudges) {
      if (claimed.has(nudge.id) || nudge.dismissedAt !== undefined || nudge.expiresAt <= nowIso) continue;
      const claim = await this.deps.store.claim(user, nudge.day, nudge.id, cap);
      if (claim === 'full') await this.deps.store.withdraw(user, nudge);
      else claimed.add(nudge.id);
    }
    const cooling = new Set(view.nudges.filter((nudge) => nudge.cooldownUntil > nowIso).map(ruleKey));
    const showFrom = showableFrom(now, settings.timeZone, settings.quietHours);
    const day = localTime(now, settings.timeZone).date;
    let delivered = view.deliveries.get(day)?.delivered ?? 0;
    const raised: StoredNudge[] = [];
    const deliverable = capOrder(
      candidates.filter(
        (candidate) =>
          allowed(candidate, settings) &&
          !cooling.has(ruleKey(candidate)) &&
          showFrom.getTime() < now.getTime() + candidate.ttlHours * HOUR_MS,
      ),
    ).slice(0, Math.max(0, cap - delivered));
    for (const candidate of await this.deps.phraser.rephrase(invocation, deliverable, settings)) {
      if (delivered >= cap) break;
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
        day,
      };
      if (!(await this.deps.store.raise(user, nudge, now))) continue;
      if ((await this.deps.store.claim(user, day, nudge.id, cap)) === 'full') {
        await this.deps.store.withdraw(user, nudge);
        break;
      }
      delivered += 1;
      claimed.add(nudge.id);
      raised.push(nudge);
    }
    return { raised, claimed };
  }
}
