import type { BusinessSnapshot } from '../../../../functions/shared/business-api/model';
import type { InsightDraft } from '../../../../functions/insights/model';
import { generalTopUps } from '../../../../functions/insights/rules/top-ups';

const NOW = new Date('2024-06-15T12:00:00Z');

/** The general top-up with the given signal key, for a snapshot holding only the given parts. */
const topUp = (key: string, parts: Partial<BusinessSnapshot>): InsightDraft | undefined => {
  const snapshot: BusinessSnapshot = {
    tenantId: 'tenant-1',
    fetchedAt: NOW.toISOString(),
    gaps: [],
    dropped: {},
    ...parts,
  };
  return generalTopUps({ snapshot, now: NOW }).find((found) => found.draft.signalKey === key)?.draft;
};

describe('generalTopUps', () => {
  describe('overall score', () => {
    it('names a single component as the strongest only, and leaves out a trend that is not recorded', () => {
      const draft = topUp('general:overall_score', {
        performance: { overallScore: 71.6, components: [{ name: 'Cash flow', score: 72 }] },
      });

      expect(draft?.description).toBe(
        "Your overall performance score is 72. The strongest component is 'Cash flow' at 72. " +
          'Knowing what drives the score shows what to protect and what to fix first.',
      );
      expect(draft?.suggestedActions).toEqual([
        "Write down what keeps 'Cash flow' strong",
        'Review the scorecard with your team every week',
      ]);
      expect(draft?.evidence.map((item) => item.metric)).toEqual([
        'overall score',
        'strongest component',
        'strongest component score',
      ]);
    });

    it('suggests only the weekly review when the scorecard has no components', () => {
      const draft = topUp('general:overall_score', { performance: { overallScore: 64, trend: 'flat' } });

      expect(draft?.description).toBe(
        'Your overall performance score is 64, holding steady. ' +
          'Knowing what drives the score shows what to protect and what to fix first.',
      );
      expect(draft?.suggestedActions).toEqual(['Review the scorecard with your team every week']);
    });
  });

  describe('goal completion', () => {
    it('repeats the counts of the goal stats without a goal to finish next when the goals were not read', () => {
      const draft = topUp('general:goal_completion', { goalStats: { totalGoals: 4, completed: 2 } });

      expect(draft?.title).toBe('2 of 4 goals completed');
      expect(draft?.description).toBe(
        '2 of 4 goals are completed. Finishing goals before adding new ones keeps the team focused.',
      );
      expect(draft?.suggestedActions).toEqual(["Review every open goal's progress in your weekly meeting"]);
    });
  });

  describe('core values', () => {
    it('asks to recognise the one value there is when there is only one', () => {
      const draft = topUp('general:core_values', { foundation: { coreValues: [{ name: 'Own it' }] } });

      expect(draft?.suggestedActions).toEqual([
        "Name the goal that best lives out 'Own it' and say so in its description",
        "Recognise a team member who acted on 'Own it' this week",
      ]);
    });
  });

  describe('actions', () => {
    it('says how many are done without naming a next one when no open action is due ahead', () => {
      const draft = topUp('general:actions', {
        actions: [
          { id: 'a1', title: 'Sign Tacoma lease', status: 'open', dueDate: '2024-06-01' },
          { id: 'a2', title: 'Price maintenance plans', status: 'in_progress' },
          { id: 'a3', title: 'Renew van insurance', status: 'done', dueDate: '2024-07-01' },
          { id: 'a4', title: 'Train staff', status: 'done' },
        ],
      });

      expect(draft?.title).toBe('2 of 4 actions done');
      expect(draft?.description).toBe(
        '2 of 4 actions are done. A short, current action list keeps the weekly meeting about progress rather than ' +
          'status.',
      );
      expect(draft?.suggestedActions).toEqual(['Close or re-date any action that no longer matters']);
      expect(draft?.evidence).toEqual([
        { source: 'actions', metric: 'actions recorded', value: 4 },
        { source: 'actions', metric: 'actions done', value: 2 },
      ]);
    });
  });
});
