import { computeSignals } from '../../functions/insights/signals';
import { expectAGoodSet, measureSet } from './checks';
import { QUALITY_NOW, qualityFixtures } from './fixtures';
import { recordedAnswers, runRecorded, type LlmRun } from './recorded-llm';

const answers = recordedAnswers();
const fixtures = qualityFixtures().filter((fixture) => answers.has(fixture.name));
const runs = new Map<string, LlmRun>();

beforeAll(async () => {
  for (const fixture of fixtures) {
    runs.set(fixture.name, await runRecorded(fixture, answers.get(fixture.name)!));
  }
});

describe('the LLM path turns recorded model answers into sets a business owner would keep reading', () => {
  it('has a recorded answer for the demo tenants, a new business and a missing source', () => {
    expect(fixtures.map((fixture) => fixture.name)).toEqual(
      expect.arrayContaining([
        'struggling (acme-plumbing)',
        'mixed (brightside-dental)',
        'healthy (northwind-saas)',
        'new business, almost no data',
        'brightside without performance',
      ]),
    );
    expect(answers.size).toBe(fixtures.length);
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
});
