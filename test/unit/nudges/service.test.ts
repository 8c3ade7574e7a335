import type { NudgePhraser } from '../../../functions/nudges/phrasing';
import type { NudgeCandidate } from '../../../functions/nudges/rules/candidate';
import { capOrder, NudgeService } from '../../../functions/nudges/service';
import { InMemoryNudgeStore } from '../../../functions/nudges/store';
import { anActivity, daysBefore } from '../../support/activity-factory';
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
