import { capabilityEnvironments } from '../../../functions/routes';
import { configSchema, ConfigError, parseEnv } from '../../../functions/shared/config';
import { insightsEnv } from '../../../functions/insights/config';
import { defaultTableName } from '../../../functions/shared/dynamo/tables';

describe('configuration from the environment', () => {
  it('gives every shared and capability variable a default, so an empty environment parses', () => {
    const shared = parseEnv(configSchema, {});
    const insights = parseEnv(insightsEnv, {});

    expect(shared).toMatchObject({ USAGE_TABLE: 'coaching-usage', PROMPT_INDEX_TABLE: 'coaching-prompt-index' });
    expect(insights).toMatchObject({ INSIGHTS_TABLE: 'coaching-insights', INSIGHTS_TTL_HOURS: 24 });
    for (const schema of capabilityEnvironments) expect(() => parseEnv(schema, {})).not.toThrow();
  });

  it('fails fast naming every bad variable with its reason', () => {
    const parse = (): unknown =>
      parseEnv(configSchema, { MAX_BODY_BYTES: '12', LLM_PROVIDER: 'gpt', MODEL_PRICES_JSON: '{not json' });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/MAX_BODY_BYTES: [^;]*1024/);
    expect(parse).toThrow(/LLM_PROVIDER: [^;]*"rules"\|"bedrock"/);
    expect(parse).toThrow(/MODEL_PRICES_JSON: must be JSON/);
  });

  it('gives the Bedrock client a 120 s request timeout by default, and refuses one below 100 ms', () => {
    expect(parseEnv(configSchema, {}).BEDROCK_REQUEST_TIMEOUT_MS).toBe(120_000);
    expect(parseEnv(configSchema, { BEDROCK_REQUEST_TIMEOUT_MS: '2500' }).BEDROCK_REQUEST_TIMEOUT_MS).toBe(2_500);
    expect(() => parseEnv(configSchema, { BEDROCK_REQUEST_TIMEOUT_MS: '50' })).toThrow(/BEDROCK_REQUEST_TIMEOUT_MS/);
  });

  it('bounds the default limits as a tenant override is bounded, naming each variable past its bound', () => {
    const parse = (): unknown =>
      parseEnv(configSchema, {
        USAGE_MONTHLY_TOKEN_BUDGET: '1e13',
        USAGE_MONTHLY_COST_BUDGET_USD: '1e200',
        USAGE_USER_REQUESTS_PER_MINUTE: '10001',
      });

    expect(parse).toThrow(/USAGE_MONTHLY_TOKEN_BUDGET/);
    expect(parse).toThrow(/USAGE_MONTHLY_COST_BUDGET_USD/);
    expect(parse).toThrow(/USAGE_USER_REQUESTS_PER_MINUTE/);
  });

  it('names the two admin groups apart by default, and refuses one group for both roles', () => {
    expect(parseEnv(configSchema, {})).toMatchObject({
      JWT_ADMIN_GROUP: 'admin',
      JWT_PLATFORM_ADMIN_GROUP: 'platform-admin',
    });
    expect(() => parseEnv(configSchema, { JWT_PLATFORM_ADMIN_GROUP: 'admin' })).toThrow(
      /JWT_PLATFORM_ADMIN_GROUP: must differ from JWT_ADMIN_GROUP/,
    );
    expect(() => parseEnv(configSchema, { JWT_ADMIN_GROUP: 'ops', JWT_PLATFORM_ADMIN_GROUP: 'ops' })).toThrow(
      ConfigError,
    );
  });

  it('reads a table name from its env var, defaulting to the local name of its id', () => {
    expect(parseEnv(insightsEnv, { INSIGHTS_TABLE: 'prod-insights' }).INSIGHTS_TABLE).toBe('prod-insights');
    expect(defaultTableName({ id: 'PromptIndex' })).toBe('coaching-prompt-index');
  });
});
