import { lambdaContext, localInvocationBudgetMs } from '../../../local/lambda-context';

describe('the local Lambda context', () => {
  it("gives an invocation API Gateway's 29 s unless LOCAL_INVOCATION_BUDGET_MS says otherwise", () => {
    expect(localInvocationBudgetMs({})).toBe(29_000);
    expect(localInvocationBudgetMs({ LOCAL_INVOCATION_BUDGET_MS: '' })).toBe(29_000);
    expect(localInvocationBudgetMs({ LOCAL_INVOCATION_BUDGET_MS: '3000' })).toBe(3_000);
  });

  it.each(['0', '-5', '2.5', 'soon'])('refuses LOCAL_INVOCATION_BUDGET_MS=%s, naming it', (value) => {
    expect(() => localInvocationBudgetMs({ LOCAL_INVOCATION_BUDGET_MS: value })).toThrow(
      /LOCAL_INVOCATION_BUDGET_MS must be a whole number of milliseconds above 0/,
    );
  });

  it('counts its remaining time down from the budget, never below zero', async () => {
    const context = lambdaContext('replyToConversation', 'request-1', 200);

    const atStart = context.getRemainingTimeInMillis();
    await new Promise((resolve) => setTimeout(resolve, 250));

    expect(atStart).toBeGreaterThan(150);
    expect(atStart).toBeLessThanOrEqual(200);
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context.awsRequestId).toBe('request-1');
  });
});
