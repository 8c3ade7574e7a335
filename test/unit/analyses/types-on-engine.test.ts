import { join } from 'node:path';
import { runWithModel } from '../../../functions/analyses/engine';
import { goalPlanAnalysis } from '../../../functions/analyses/types/goal-plan';
import { rootCauseAnalysis } from '../../../functions/analyses/types/root-cause';
import { ModelOutputInvalidError } from '../../../functions/shared/errors';
import { FilePromptStore } from '../../../functions/shared/prompts/file-prompt-store';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';
import { analysisContext } from '../../support/analysis-context';
import { FakeLanguageModel } from '../../support/fake-language-model';
import { silentLog, testInvocation } from '../../support/invocation';
import { testGateway } from '../../support/usage-fakes';
import { demoHistory } from './demo-history';

/** The engine's model path with the real prompt files and a scripted model: the types' validators in the repair round. */
const engine = (script: ConstructorParameters<typeof FakeLanguageModel>[0]) => {
  const model = new FakeLanguageModel(script);
  const prompts = new FilePromptStore(join(__dirname, '..', '..', '..', 'prompts'), { maxBytes: 64_000 }, silentLog);
  const gateway = testGateway(model, new InMemoryUsageLedger(), () => new Date());
  return { model, deps: { prompts, gateway } };
};
const invocation = () => testInvocation({ tenantId: 'acme-plumbing' }).invocation;

describe('the two types on the analyses engine', () => {
  it('root-cause: an altered correlation is named in the repair round and the repaired answer is kept', async () => {
    const context = analysisContext(
      { metric: 'overallScore', observation: 'Our score dropped this month' },
      { tenantId: 'acme-plumbing', history: demoHistory('acme-plumbing') },
    );
    const valid = rootCauseAnalysis.offline(context, rootCauseAnalysis.precompute(context));
    const [first, ...rest] = valid.correlatedChanges;
    const altered = { ...valid, correlatedChanges: [{ ...first!, correlation: 0.5 }, ...rest] };
    const { model, deps } = engine((request) => ({
      toolInput: model.calls.length === 1 ? altered : valid,
      modelId: request.settings.modelId,
    }));

    const run = await runWithModel(rootCauseAnalysis, context, invocation(), deps);

    expect(run.provenance).toMatchObject({
      promptTopic: 'analysis_root_cause',
      templateVersion: 'v1.0',
      outcome: 'repaired',
    });
    expect(run.result).toEqual(valid);
    const [ask, repair] = model.calls.map((call) => call.request);
    expect(ask?.system).toContain('correlatedChanges repeats FACTS.changes exactly');
    expect(ask?.messages[0]?.text).toContain('"series":"componentScore#First-time fix rate"');
    expect(JSON.stringify(repair?.messages)).toContain('change_altered');
  });

  it('goal-plan: a baseline invented twice is 502 model_output_invalid, naming it', async () => {
    const context = analysisContext(
      { intent: 'Improve revenue vs plan' },
      { tenantId: 'acme-plumbing', history: demoHistory('acme-plumbing') },
    );
    const plan = goalPlanAnalysis.offline(context, goalPlanAnalysis.precompute(context));
    const invented = { ...plan, goals: plan.goals.map((goal) => ({ ...goal, kpi: { ...goal.kpi, baseline: 40 } })) };
    const { model, deps } = engine((request) => ({ toolInput: invented, modelId: request.settings.modelId }));

    const failure = runWithModel(goalPlanAnalysis, context, invocation(), deps);

    await expect(failure).rejects.toBeInstanceOf(ModelOutputInvalidError);
    const error = (await failure.catch((caught: unknown) => caught)) as ModelOutputInvalidError;
    expect([error.statusCode, error.code]).toEqual([502, 'model_output_invalid']);
    expect(error.problems.join(' ')).toContain('invented_baseline');
    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]?.request.tool.name).toBe('record_goal_plan');
    expect(JSON.stringify(model.calls[1]?.request.messages)).toContain('invented_baseline');
  });
});
