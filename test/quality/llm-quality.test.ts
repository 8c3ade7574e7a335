import { computeSignals } from '../../functions/insights/signals';
import { expectAGoodSet, measureSet } from './checks';
import { QUALITY_NOW, qualityFixtures } from './fixtures';
import { recordedAnswers, runRecorded, type LlmRun } from './recorded-llm';

const answers = recordedAnswers();
const fixtures = qualityFixtures();
const runs = new Map<string, LlmRun>();

beforeAll(async () => {
  for (const fixture of fixtures) {
    const answer = answers.get(fixture.name);
    if (answer !== undefined) runs.set(fixture.name, await runRecorded(fixture, answer));
  }
});

describe('the LLM path turns recorded model answers into sets a business owner would keep reading', () => {
  it('has a recorded answer for every fixture, and none for a fixture that does not exist', () => {
    expect(fixtures.filter((fixture) => !answers.has(fixture.name)).map((fixture) => fixture.name)).toEqual([]);
    expect([...answers.keys()].sort()).toEqual(fixtures.map((fixture) => fixture.name).sort());
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (name, fixture) => {
    const { generation } = runs.get(name)!;
    const quality = measureSet(fixture, generation.drafts);

    expect(['ok', 'repaired']).toContain(generation.provenance.outcome);
    expect(generation.drafts.filter((draft) => draft.source === 'llm').length).toBeGreaterThanOrEqual(4);
    expectAGoodSet(quality);
  });

  it("maps the handles in the model's signal keys back to the records' ids", () => {
    const fixture = fixtures.find((f) => f.name === 'healthy (northwind-saas)')!;
    const { generation, request } = runs.get(fixture.name)!;
    const keys = new Set(computeSignals(fixture.snapshot, QUALITY_NOW).map((signal) => signal.key));
    const llmKeys = generation.drafts.flatMap((draft) => (draft.source === 'llm' && draft.signalKey) || []);

    expect(llmKeys).toContain('goal_overdue:c3b9f5d1-7e4a-4b2c-9d8f-1a0e6c2b7f43');
    expect(llmKeys.filter((key) => !keys.has(key))).toEqual([]);
    expect(request.messages[0]?.text).toContain('goal_overdue:G6 (high, leadership): days past target date 32');
    expect(request.messages[0]?.text).not.toContain('c3b9f5d1-7e4a-4b2c-9d8f-1a0e6c2b7f43');
  });

  it("repairs the recorded near-misses: a category synonym, a long title, a number the data doesn't hold", () => {
    const acme = runs.get('struggling (acme-plumbing)')!;
    const texts = acme.generation.drafts.map((draft) => `${draft.title} ${draft.description}`).join(' ');
    const utilization = acme.generation.drafts.find((draft) => draft.title.startsWith('Technician utilization'));

    expect(acme.generation.provenance.outcome).toBe('repaired');
    expect(utilization?.category).toBe('finance');
    expect(texts).not.toContain('11,400');
    expect(acme.generation.drafts.map((draft) => draft.title)).toContain(
      'Maintenance plans are at risk at 38% and the member call',
    );
  });

  it("says in the model's own words which source is missing, wherever one is", () => {
    const withGaps = fixtures.filter((fixture) => fixture.snapshot.gaps.length > 0);
    const withoutNotice = withGaps.filter(
      (fixture) =>
        !runs.get(fixture.name)?.generation.drafts.some((d) => d.source === 'llm' && d.signalKey === 'data_gap'),
    );

    expect(withGaps.length).toBeGreaterThanOrEqual(6);
    expect(withoutNotice.map((fixture) => fixture.name)).toEqual([]);
  });

  it('repairs the near-misses recorded for the other fixtures as well', () => {
    const drafts = (name: string) => runs.get(name)!.generation.drafts;
    const collections = drafts('brightside without foundation').find(
      (draft) => draft.signalKey === 'score_component_below_target:collections-rate',
    );
    const conflicting = runs.get('conflicting signals (high score, trend down)')!;
    const onboarding = conflicting.generation.drafts.find((draft) => draft.title.startsWith('Onboarding speed'));

    expect(collections?.category).toBe('finance');
    expect(drafts('huge (200 goals, 1,000 actions)').map((draft) => draft.title)).toContain(
      'Clear out the 667 overdue actions before adding new ones',
    );
    expect(conflicting.generation.provenance.outcome).toBe('repaired');
    expect(onboarding?.description).toContain('22 points below its target of 80');
    expect(onboarding?.description).not.toContain('9,800');
  });
});
