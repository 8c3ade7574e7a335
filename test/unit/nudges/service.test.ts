import type { ActivityInput, Nudge } from '../../../functions/nudges/model';
import { rulesPhraser, type NudgePhraser } from '../../../functions/nudges/phrasing';
import type { NudgeCandidate } from '../../../functions/nudges/rules/candidate';
import { capOrder, NudgeService } from '../../../functions/nudges/service';
import { InMemoryNudgeStore, type NudgeStore } from '../../../functions/nudges/store';
import { MAX_STORED_ENTITIES } from '../../../functions/nudges/stored-projection';
import { anActivity, daysBefore } from '../../support/activity-factory';
import { FixedBusinessData } from '../../support/fakes';
import { testInvocation } from '../../support/invocation';

const candidate = (
  type: NudgeCandidate['type'],
  priority: NudgeCandidate['priority'],
  rule: string,
): NudgeCandidate => ({
  type,
  priority,
  rule,
  message: rule,
  evidence: [],
  ttlHours: 1,
  cooldownHours: 1,
});

describe('capOrder', () => {
  it('puts the best of each kind first, then the rest by priority', () => {
    const ordered = capOrder([
      candidate('time', 'medium', 't-medium'),
      candidate('time', 'high', 't-high'),
      candidate('pattern', 'low', 'p-low'),
      candidate('time', 'high', 't-high-2'),
      candidate('action', 'critical', 'a-critical'),
    ]);

    expect(ordered.map((c) => c.rule)).toEqual(['a-critical', 't-high', 'p-low', 't-high-2', 't-medium']);
  });
});

/** The in-memory store, counting full-history reads and failing the writes a test names, once each. */
class ObservedStore extends InMemoryNudgeStore {
  historyReads = 0;
  projectionWrites = 0;
  views = 0;
  readonly failOnce = new Set<'claim' | 'saveProjection'>();

  override async view(...args: Parameters<InMemoryNudgeStore['view']>) {
    this.views += 1;
    return super.view(...args);
  }
  override async activities(...args: Parameters<InMemoryNudgeStore['activities']>) {
    this.historyReads += 1;
    return super.activities(...args);
  }
  override async saveProjection(...args: Parameters<InMemoryNudgeStore['saveProjection']>) {
    this.projectionWrites += 1;
    this.failIfAsked('saveProjection');
    return super.saveProjection(...args);
  }
  override async claim(...args: Parameters<InMemoryNudgeStore['claim']>) {
    this.failIfAsked('claim');
    return super.claim(...args);
  }
  private failIfAsked(write: 'claim' | 'saveProjection'): void {
    if (this.failOnce.delete(write)) throw new Error(`${write} failed`);
  }
}

const NOW = new Date('2026-11-20T09:00:00.000Z');
const user = { tenantId: 'tenant-a', userId: 'ann' };

const serviceOn = (store: NudgeStore, clock = () => NOW) =>
  new NudgeService({
    store,
    businessData: new FixedBusinessData((tenantId) => ({
      tenantId,
      fetchedAt: NOW.toISOString(),
      gaps: [],
      dropped: {},
    })),
    clock,
    tunables: { activityRetentionDays: 180, dismissCooldownDays: 30, patternNewActivities: 20, scheduleMaxUsers: 500 },
    phraser: rulesPhraser,
  });
const ann = () => testInvocation({ tenantId: user.tenantId, userId: user.userId }).invocation;
const lead = (entityId: string, daysAgo: number, eventId?: string): ActivityInput => ({
  action: 'contact_created',
  entityType: 'contact',
  entityId,
  metadata: { source: 'web', status: 'lead', name: `Lead ${entityId}` },
  occurredAt: daysBefore(NOW, daysAgo),
  ...(eventId ? { eventId } : {}),
});
const contacted = (entityId: string, daysAgo: number, eventId?: string): ActivityInput => ({
  action: 'contact_contacted',
  entityType: 'contact',
  entityId,
  metadata: {},
  occurredAt: daysBefore(NOW, daysAgo),
  ...(eventId ? { eventId } : {}),
});
const win = (entityId: string, eventId?: string): ActivityInput => ({
  action: 'deal_closed',
  entityType: 'deal',
  entityId,
  metadata: { won: true, value: 5000, days_to_close: 12, contact_name: 'Sarah' },
  ...(eventId ? { eventId } : {}),
});
const staleLeadIds = (nudges: readonly Nudge[]) =>
  nudges.filter((nudge) => nudge.rule === 'stale_lead').map((nudge) => nudge.entityId);

describe('NudgeService and the stored projection', () => {
  it('reads the history once, then keeps the projection up to date on ingest without reading it again', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await store.saveSettings(user, { coachLevel: 3 });
    await service.ingest(ann(), lead('c1', 10));
    await service.ingest(ann(), lead('c2', 10));

    const stale = await service.list(ann());
    await service.ingest(ann(), contacted('c1', 0));
    // Past the stale-lead cooldown (72 h): c2 is raised again, c1 was touched 3 days before.
    const afterTouch = await serviceOn(store, () => new Date(NOW.getTime() + 73 * 3_600_000)).list(ann());

    expect(staleLeadIds(stale).sort()).toEqual(['c1', 'c2']);
    expect(staleLeadIds(afterTouch)).toEqual(['c2']);
    expect(store.historyReads).toBe(1);
    expect((await store.projection(user))?.projection?.activityCount).toBe(3);
  });

  it('places an event that arrives out of order by rebuilding the projection from the history', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await service.ingest(ann(), lead('c1', 20));
    await service.ingest(ann(), contacted('c1', 1));

    await service.ingest(ann(), contacted('c1', 12));

    expect(store.historyReads).toBe(2);
    expect((await store.projection(user))?.projection?.contacts[0]?.lastTouchAt).toBe(daysBefore(NOW, 1));
    expect(staleLeadIds(await service.list(ann()))).toEqual([]);
  });

  it('applies two ingests that raced on the projection: the second reads it again and applies its own', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await service.ingest(ann(), lead('c0', 1));
    store.projectionWrites = 0;

    await Promise.all([service.ingest(ann(), lead('c1', 1)), service.ingest(ann(), lead('c2', 1))]);

    const stored = await store.projection(user);
    expect(stored?.projection?.contacts.map((contact) => contact.id).sort()).toEqual(['c0', 'c1', 'c2']);
    expect(stored?.version).toBe(3);
    expect(store.projectionWrites).toBe(3);
  });

  it('drops the projection when a later event of the same entity was written first, for the next read to rebuild', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await service.ingest(ann(), lead('c1', 20));

    await Promise.all([service.ingest(ann(), contacted('c1', 2)), service.ingest(ann(), contacted('c1', 4))]);
    const dropped = await store.projection(user);
    await service.list(ann());

    expect(dropped).toBeUndefined();
    expect((await store.projection(user))?.projection?.contacts[0]?.lastTouchAt).toBe(daysBefore(NOW, 2));
  });

  it('projects the history on every read for a user with more entities than the stored projection holds', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    const tasks = Array.from({ length: MAX_STORED_ENTITIES + 1 }, (_, i) =>
      anActivity('task_created', `t${i}`, daysBefore(NOW, 1), { priority: 'low', has_due_date: false }),
    );
    await store.importActivities(user, tasks, new Date('2027-06-01T00:00:00Z'));

    await service.list(ann());
    await service.list(ann());

    expect(store.historyReads).toBe(2);
    expect(await store.projection(user)).toEqual({ version: 2, rebuiltAt: NOW.toISOString() });
  });

  it('applies a repeated event that a failed projection write left out, and raises nothing again', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await service.ingest(ann(), lead('c0', 1));
    store.failOnce.add('saveProjection');

    await expect(service.ingest(ann(), lead('c1', 3, 'evt-1'))).rejects.toThrow('saveProjection failed');
    const missing = (await store.projection(user))?.projection?.contacts.map((contact) => contact.id);
    const retried = await service.ingest(ann(), lead('c1', 3, 'evt-1'));

    expect(missing).toEqual(['c0']);
    expect(retried).toMatchObject({ duplicate: true, nudges: [] });
    expect((await store.projection(user))?.projection?.contacts.map((contact) => contact.id)).toEqual(['c0', 'c1']);
  });
});

describe('NudgeService deliveries', () => {
  it('shows a nudge only once it claimed its delivery; the next evaluation makes a claim a failure left undone', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    store.failOnce.add('claim');

    await expect(service.ingest(ann(), win('d1'))).rejects.toThrow('claim failed');
    const stored = await store.view(user, NOW);
    const listed = await service.list(ann());
    const listedAgain = await service.list(ann());

    expect(stored.nudges.map((nudge) => nudge.rule)).toEqual(['referral_after_win']);
    expect(stored.deliveries.size).toBe(0);
    expect(listed.map((nudge) => nudge.rule)).toEqual(['referral_after_win']);
    expect(listedAgain).toEqual(listed);
    expect((await store.view(user, NOW)).deliveries.get('2026-11-20')?.delivered).toBe(1);
  });

  it('withdraws a stored nudge whose claim the cap refused, and counts no more than the cap', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);
    await store.saveSettings(user, { coachLevel: 1 });
    await store.claim(user, '2026-11-20', 'another-request', 1);
    const issue = {
      action: 'issue_created',
      entityType: 'issue',
      metadata: { priority: 'critical', businessImpact: 'revenue', title: 'Van broke down' },
    };

    const result = await service.ingest(ann(), { ...issue, entityId: 'i1' });

    expect(result.nudges).toEqual([]);
    expect((await store.view(user, NOW)).nudges).toEqual([]);
    expect((await store.view(user, NOW)).deliveries.get('2026-11-20')?.delivered).toBe(1);
  });

  it('saves settings without reading them first', async () => {
    const store = new ObservedStore();
    const service = serviceOn(store);

    const saved = await service.updateSettings(ann(), { types: { pattern: false } });

    expect(store.views).toBe(0);
    expect(saved.types).toEqual({ action: true, time: true, pattern: false });
  });
});

describe('NudgeService delivery and phrasing', () => {
  const now = new Date('2026-12-02T15:00:00Z');
  const user = { tenantId: 'tenant-a', userId: 'user-1' };
  const PHRASED = { source: 'model', promptTopic: 'nudge_phrasing', promptVersion: 'v1.0', modelId: 'fast' } as const;

  /** A phraser that records each batch it is given and prefixes every message. */
  const recordingPhraser = () => {
    const batches: Array<{ rules: string[]; coachLevel: number }> = [];
    const phraser: NudgePhraser = {
      rephrase: async (_invocation, candidates, settings) => {
        batches.push({ rules: candidates.map((c) => `${c.rule}#${c.entityId}`), coachLevel: settings.coachLevel });
        return candidates.map((c) => ({ ...c, message: `Coach: ${c.message}`, phrasing: PHRASED }));
      },
    };
    return { phraser, batches };
  };

  /** The service on the in-memory store, with `leads` leads last touched 10 days ago, at coach level 3. */
  const setup = async (leads: number) => {
    const store = new InMemoryNudgeStore();
    const history = Array.from({ length: leads }, (_, i) =>
      anActivity('contact_created', `lead-${i}`, daysBefore(now, 10), { source: 'web', status: 'lead' }),
    );
    await store.importActivities(user, history, new Date('2027-06-01T00:00:00Z'));
    await store.saveSettings(user, { coachLevel: 3, morningBriefing: false });
    const { phraser, batches } = recordingPhraser();
    const service = new NudgeService({
      store,
      businessData: {
        snapshot: async () => ({ tenantId: user.tenantId, fetchedAt: now.toISOString(), gaps: [], dropped: {} }),
      },
      clock: () => now,
      tunables: { activityRetentionDays: 180, dismissCooldownDays: 30, patternNewActivities: 20, scheduleMaxUsers: 10 },
      phraser,
    });
    return { service, batches };
  };

  it("rephrases, in one batch, only the nudges that took one of the day's deliveries, and stores their phrasing", async () => {
    const { service, batches } = await setup(10);

    const listed = await service.list(testInvocation(user).invocation);

    expect(batches).toEqual([{ rules: expect.any(Array), coachLevel: 3 }]);
    expect(batches[0]?.rules).toHaveLength(8);
    expect(listed).toHaveLength(8);
    for (const nudge of listed) {
      expect(nudge.message).toMatch(/^Coach: .* has not heard from you for 10 days/);
      expect(nudge.phrasing).toEqual(PHRASED);
      expect(nudge.suggestedAction).toBe('create_task');
    }
  });

  it("asks for no rephrasing once the day's cap is reached", async () => {
    const { service, batches } = await setup(10);

    await service.list(testInvocation(user).invocation);
    await service.list(testInvocation(user).invocation);

    expect(batches.map((batch) => batch.rules.length)).toEqual([8, 0]);
  });
});
