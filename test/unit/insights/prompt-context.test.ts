import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { insightPromptValues, promptHandles, renderGoals } from '../../../functions/insights/prompt-context';
import { computeSignals } from '../../../functions/insights/signals';

const NOW = new Date('2026-12-02T09:00:00Z');
const GOAL_ID = 'a6c0d8e2-1f3b-4c7a-b9e5-7d2f4a6c8e10';
const ACTION_ID = '1b2c3d4e-0002-4a5b-8c6d-7e8f9a0b1c2d';

const snapshot = (goals: BusinessSnapshot['goals']): BusinessSnapshot => ({
  tenantId: 'tenant-1',
  fetchedAt: NOW.toISOString(),
  gaps: [],
  dropped: {},
  goals,
  actions: [
    { id: ACTION_ID, title: 'Interview churned customers', status: 'open', goalId: GOAL_ID, dueDate: '2026-11-10' },
  ],
  issues: [],
});

const atRisk = { id: GOAL_ID, title: 'Cut time-to-first-value', status: 'at_risk', progress: 45 } as const;

describe('insightPromptValues', () => {
  it('writes records by short handles, in the data and in the signal keys', () => {
    const data = snapshot([atRisk]);
    const values = insightPromptValues(data, computeSignals(data, NOW), [], NOW);

    expect(values.goals).toContain('[G1] Cut time-to-first-value');
    expect(values.actions).toContain('[A1] Interview churned customers');
    expect(values.actions).toContain('goal G1');
    expect(values.signals).toContain('goal_at_risk:G1 (medium,');
    expect(values.signals).toContain('overdue_actions (high, operations): overdue actions 1; oldest due date');
    expect(values.signals).toContain('action A1');
    expect(`${values.goals}${values.actions}${values.signals}`).not.toContain(GOAL_ID);
  });

  it('leaves out of a signal the facts its record line already states', () => {
    const data = snapshot([atRisk]);
    const signal = computeSignals(data, NOW).find((s) => s.kind === 'goal_at_risk');

    const values = insightPromptValues(data, signal ? [signal] : [], [], NOW);

    expect(values.signals).toBe('- goal_at_risk:G1 (medium, strategy)');
  });

  it('lists the goals the signals name first, so a signal never names an unlisted record', () => {
    const filler = Array.from({ length: 30 }, (_, i) => ({
      id: `g${i}`,
      title: `Finished goal ${i}`,
      status: 'completed' as const,
      progress: 100,
    }));
    const data = snapshot([...filler, atRisk]);

    const values = insightPromptValues(data, computeSignals(data, NOW), [], NOW);

    expect(values.goals.split('\n')[0]).toBe('- [G31] Cut time-to-first-value · at risk · 45% progress');
    expect(values.goals).toContain('(6 more goals not listed)');
  });
});

describe('promptHandles', () => {
  it("maps a signal key the model writes back to the record's id, and leaves other keys alone", () => {
    const { keyFromPrompt, of } = promptHandles(snapshot([atRisk]));

    expect(of(GOAL_ID)).toBe('G1');
    expect(keyFromPrompt('goal_at_risk:G1')).toBe(`goal_at_risk:${GOAL_ID}`);
    expect(keyFromPrompt('score_component_below_target:onboarding-speed')).toBe(
      'score_component_below_target:onboarding-speed',
    );
    expect(keyFromPrompt('data_gap')).toBe('data_gap');
  });
});

describe('renderGoals', () => {
  it('writes real ids when no handles are given (the conversations prompt)', () => {
    expect(renderGoals([atRisk])).toBe(`- [${GOAL_ID}] Cut time-to-first-value · at risk · 45% progress`);
  });
});
