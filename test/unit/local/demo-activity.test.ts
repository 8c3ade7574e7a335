import { rulesPhraser } from '../../../functions/nudges/phrasing';
import { NudgeService } from '../../../functions/nudges/service';
import { InMemoryNudgeStore } from '../../../functions/nudges/store';
import { demoActivityHistory, DEMO_PROFILES } from '../../../local/demo-activity';
import { testInvocation } from '../../support/invocation';

const now = new Date('2026-11-18T08:30:00Z');

describe('the demo activity history', () => {
  it('is the same on every start and a few hundred events over the last 90 days, for each demo tenant', () => {
    for (const tenantId of Object.keys(DEMO_PROFILES)) {
      const history = demoActivityHistory(tenantId, now);
      const oldest = Date.parse(history[0]?.occurredAt ?? '');

      expect(demoActivityHistory(tenantId, now)).toEqual(history);
      expect(history.length).toBeGreaterThanOrEqual(300);
      expect(history.length).toBeLessThanOrEqual(500);
      expect(now.getTime() - oldest).toBeLessThanOrEqual(90 * 86_400_000);
      expect(history.every((activity) => activity.occurredAt <= now.toISOString())).toBe(true);
    }
  });

  it('gives each demo tenant time and pattern nudges on a read at level 3 with pattern insights', async () => {
    for (const tenantId of Object.keys(DEMO_PROFILES)) {
      const store = new InMemoryNudgeStore();
      const user = { tenantId, userId: 'dev-user' };
      await store.importActivities(user, demoActivityHistory(tenantId, now), new Date('2027-06-01T00:00:00Z'));
      await store.saveSettings(user, { coachLevel: 3, patternInsights: true });
      const service = new NudgeService({
        store,
        businessData: { snapshot: async () => ({ tenantId, fetchedAt: now.toISOString(), gaps: [] }) as never },
        clock: () => now,
        tunables: {
          activityRetentionDays: 180,
          dismissCooldownDays: 30,
          patternNewActivities: 20,
          scheduleMaxUsers: 10,
        },
        phraser: rulesPhraser,
      });

      const types = new Set(
        (await service.list(testInvocation({ tenantId, userId: 'dev-user' }).invocation)).map((n) => n.type),
      );

      expect({ tenantId, types: [...types].sort() }).toEqual({ tenantId, types: ['pattern', 'time'] });
    }
  });
});
