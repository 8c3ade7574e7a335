import type { MetricHistoryStore } from '../../../functions/shared/metrics/store';

/** What the contract runs against: a history on empty storage, read at `now`. */
export interface MetricHistorySubject {
  create(now: () => Date): Promise<MetricHistoryStore>;
}

const NOW = new Date('2026-12-02T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const LATER = NOW_SECONDS + 86_400 * 400;

/**
 * The MetricHistoryStore contract: the same cases for the DynamoDB adapter and its in-memory twin. Each case starts
 * on empty storage.
 */
export const metricHistoryContract = (name: string, subject: MetricHistorySubject): void =>
  describe(`${name} (MetricHistoryStore contract)`, () => {
    let history: MetricHistoryStore;

    beforeEach(async () => {
      history = await subject.create(() => NOW);
    });

    it('keeps the series of a day field by field: a later write of other series leaves the first ones', async () => {
      await history.record('t1', '2026-12-01', { overallScore: 60, 'goalProgress#g1': 40 }, LATER);
      await history.record('t1', '2026-12-01', { openIssues: 3, overallScore: 62 }, LATER);

      expect(await history.days('t1', '2026-11-01', '2026-12-02', NOW_SECONDS)).toEqual([
        { date: '2026-12-01', values: { overallScore: 62, 'goalProgress#g1': 40, openIssues: 3 } },
      ]);
    });

    it('reads one series between two days, oldest first, leaving out days without it', async () => {
      await history.record('t1', '2026-11-30', { overallScore: 58 }, LATER);
      await history.record('t1', '2026-11-28', { overallScore: 55, 'goalProgress#g1': 30 }, LATER);
      await history.record('t1', '2026-11-29', { openIssues: 2 }, LATER);
      await history.record('t1', '2026-12-01', { 'goalProgress#g1': 35 }, LATER);

      expect(await history.series('t1', { metric: 'overallScore', from: '2026-11-01', to: '2026-12-02' })).toEqual([
        { date: '2026-11-28', value: 55 },
        { date: '2026-11-30', value: 58 },
      ]);
      expect(
        await history.series('t1', { metric: 'goalProgress', entityId: 'g1', from: '2026-11-29', to: '2026-12-01' }),
      ).toEqual([{ date: '2026-12-01', value: 35 }]);
    });

    it("never reads another tenant's days", async () => {
      await history.record('t1', '2026-12-01', { overallScore: 60 }, LATER);
      await history.record('t2', '2026-12-01', { overallScore: 90 }, LATER);

      expect(await history.series('t2', { metric: 'overallScore', from: '2026-12-01', to: '2026-12-01' })).toEqual([
        { date: '2026-12-01', value: 90 },
      ]);
      expect(await history.days('t3', '2026-01-01', '2026-12-31', NOW_SECONDS)).toEqual([]);
    });

    it('leaves out expired days (TTL deletes late)', async () => {
      await history.record('t1', '2026-11-30', { overallScore: 50 }, NOW_SECONDS - 1);
      await history.record('t1', '2026-12-01', { overallScore: 60 }, LATER);

      expect(await history.days('t1', '2026-11-01', '2026-12-02', NOW_SECONDS)).toEqual([
        { date: '2026-12-01', values: { overallScore: 60 } },
      ]);
      expect(await history.series('t1', { metric: 'overallScore', from: '2026-11-01', to: '2026-12-02' })).toEqual([
        { date: '2026-12-01', value: 60 },
      ]);
    });

    it('keeps the latest names of the goals and components, apart from the days', async () => {
      const entities = { goals: [{ id: 'g1', title: 'Open a depot', targetDate: '2027-03-31' }], components: ['KPIs'] };
      await history.saveEntities('t1', entities, LATER);
      await history.record('t1', '2026-12-01', { overallScore: 60 }, LATER);

      expect(await history.entities('t1', NOW_SECONDS)).toEqual(entities);
      expect(await history.entities('t2', NOW_SECONDS)).toBeUndefined();
      expect(await history.days('t1', '2026-01-01', '2026-12-31', NOW_SECONDS)).toHaveLength(1);
    });
  });
