import { Aspects, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import {
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { routes, type RouteName } from '../../functions/routes';
import { namedAlarm, NotifyOnAlarms } from '../alarms';
import { METRICS_NAMESPACE, SERVICE_NAME, type CoachingFunction } from '../function';
import { pascal } from '../names';
import type { Api } from './api';
import type { Batch } from './batch';
import type { Data } from './data';
import type { Nudges } from './nudges';
import type { Prompts } from './prompts';
import type { Workers } from './workers';

/** Lambda errors (crashes, timeouts, init failures: the HTTP stack turns handled errors into responses) in 5 minutes. */
const LAMBDA_ERRORS_THRESHOLD = 3;
/** Throttled invocations in 5 minutes: a few are retried by callers; this many means concurrency ran out. */
const LAMBDA_THROTTLES_THRESHOLD = 5;
/** The share of its timeout a function's slowest invocation may reach before Lambda is about to cut it off. */
const DURATION_NEAR_TIMEOUT_SHARE = 0.9;
/** The API's share of 5xx answers (percent of requests, 2 periods of 5 minutes running). */
const API_5XX_RATE_PERCENT = 5;
/** Below this many requests in 5 minutes the 5xx rate is not judged: one error in three requests is not a trend. */
const API_MIN_REQUESTS = 20;
/**
 * The API's p99 latency (3 periods of 5 minutes running). Routes never wait for a model but a conversation reply, a
 * turn of a few seconds; 10 s at p99 is far past that and well before API Gateway's 30 s limit.
 */
const API_P99_LATENCY = Duration.seconds(10);
/** DynamoDB throttled reads and writes of one table in 5 minutes (on-demand: a hot key, or a burst past its peak). */
const TABLE_THROTTLES_THRESHOLD = 10;
/** DynamoDB 500s on one table in 5 minutes; the SDK retries a few, a run of them reaches users. */
const TABLE_SYSTEM_ERRORS_THRESHOLD = 5;
/** Model calls still throttled after the SDK's retries, in 5 minutes: the Bedrock quota is spent. */
const MODEL_THROTTLES_THRESHOLD = 10;
/** Model calls answered by a fallback model, in 15 minutes: the templates' primary model keeps failing. */
const MODEL_FALLBACKS_THRESHOLD = 10;
/**
 * Model calls no model could serve, in 15 minutes: one is a template naming only models that lack what its calls need
 * (a configuration fault every such call repeats, not load).
 */
const NO_CAPABLE_MODEL_THRESHOLD = 1;
/** Failed on-demand insight jobs in 15 minutes: tenants keep the rules' set instead of the model's. */
const INSIGHT_JOBS_FAILED_THRESHOLD = 3;
/** Model calls refused for a spent monthly budget, in 15 minutes: a tenant ran out, or a spike is draining budgets. */
const BUDGET_REJECTIONS_THRESHOLD = 5;
/** CloudWatch's limit of metrics in one alarm's math expression. */
const MAX_ALARM_METRICS = 10;
/** The DynamoDB operations the service's stores use (their system errors are alarmed). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_WRITE_ITEM,
];
/** Outcomes of a metered model call (the usage event's `outcome`; the gateway counts each as `ModelCalls_<outcome>`). */
const MODEL_OUTCOMES = ['ok', 'repaired', 'fallback', 'failed'] as const;
/** Outcomes of an on-demand insight job (InsightsService.runJob; counted as `InsightJobOutcome_<outcome>`). */
const INSIGHT_JOB_OUTCOMES = ['done', 'failed', 'retry_later', 'skipped'] as const;

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);

/** Functions watched together: one capability's, doing one kind of work, with one timeout. */
interface FunctionGroup {
  /** Unique in the stack: its alarms are `<id>Errors`, `<id>Throttles` and `<id>Duration`. */
  readonly id: string;
  readonly functions: readonly CoachingFunction[];
}

/** What the monitoring watches, and who it notifies. */
export interface MonitoringProps {
  /** Email addresses subscribed to the alarm topic (each confirms from the email AWS sends). */
  readonly alarmEmails: readonly string[];
  readonly data: Data;
  readonly api: Api;
  readonly workers: Workers;
  readonly prompts: Prompts;
  readonly batch: Batch;
  readonly nudges: Nudges;
}

/** `items` in runs of at most `size`. */
const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/** A function's name on the dashboard: its construct path below the stack (`Api/ListInsights`). */
const labelOf = (fn: CoachingFunction): string => fn.node.path.split('/').slice(1).join('/');

/**
 * The stack's functions in alarm groups: per capability its API routes and its streaming routes, and each function
 * outside the API on its own; a group larger than an alarm's metric limit is split (`ConversationsApi`,
 * `ConversationsApi2`). The route functions are in their capability's nested stack, their alarms here in the stack
 * (the functions' names come out of the nested stacks as outputs): an alarm's name is fixed, and an alarm moved into
 * another template would be created there before it is deleted here, under the same name.
 */
const functionGroups = ({ api, workers, prompts, batch, nudges }: MonitoringProps): FunctionGroup[] => {
  const byKind = new Map<string, CoachingFunction[]>();
  for (const [name, route] of Object.entries(routes) as [RouteName, (typeof routes)[RouteName]][]) {
    const fn = api.functions[name];
    const id = `${pascal(fn.capability)}${route.transport === 'stream' ? 'Stream' : 'Api'}`;
    byKind.set(id, [...(byKind.get(id) ?? []), fn]);
  }
  const apiGroups = [...byKind].flatMap(([id, functions]) =>
    chunks(functions, MAX_ALARM_METRICS).map((part, index) => ({
      id: index === 0 ? id : `${id}${index + 1}`,
      functions: part,
    })),
  );
  return [
    ...apiGroups,
    ...Object.values(workers.byKey).map((worker) => ({ id: worker.definition.id, functions: [worker.fn] })),
    { id: 'PromptValidator', functions: [prompts.validator] },
    { id: 'BatchWorker', functions: [batch.worker] },
    { id: 'BatchEnqueue', functions: [batch.enqueue] },
    { id: 'NudgesIngest', functions: [nudges.ingest] },
    { id: 'NudgesEvaluate', functions: [nudges.evaluate] },
  ];
};

/** The timeout every function of a group shares (the duration alarm is a share of it). */
const timeoutOf = (group: FunctionGroup): Duration => {
  const timeouts = new Set(group.functions.map((fn) => fn.timeout?.toSeconds()));
  const [seconds] = timeouts;
  if (timeouts.size !== 1 || seconds === undefined) throw new Error(`${group.id}: its functions' timeouts differ`);
  return Duration.seconds(seconds);
};

/** One of the functions' own EMF metrics (stored metrics: `service` is their only dimension). */
const serviceMetric = (metricName: string, period = FIVE_MINUTES): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period,
  });

/**
 * A model gateway metric over every request type (its dimensions are `service` and `requestType`), as a Metrics
 * Insights query: summed into one series (for an alarm), or one line per request type (for the dashboard). A request
 * type a capability adds later is included without a change here.
 */
const gatewayMetric = (metricName: string, period: Duration, perRequestType = false): MathExpression =>
  new MathExpression({
    expression:
      `SELECT SUM(${metricName}) FROM SCHEMA("${METRICS_NAMESPACE}", requestType, service)` +
      (perRequestType ? ' GROUP BY requestType' : ''),
    period,
    label: metricName,
  });

/** One expression over one metric of each function: `SUM([...])` or `MAX([...])`. */
const acrossFunctions = (
  functions: readonly CoachingFunction[],
  combine: 'SUM' | 'MAX',
  metricOf: (fn: CoachingFunction) => IMetric,
): MathExpression => {
  const usingMetrics = Object.fromEntries(functions.map((fn, index) => [`f${index}`, metricOf(fn)]));
  return new MathExpression({
    expression: `${combine}([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: FIVE_MINUTES,
  });
};

/**
 * Alarms that reach someone, and the dashboard. Every alarm of the stack (these and the queue alarms the workers,
 * the batch and the prompts constructs make) notifies the alarm topic, KMS-encrypted, with the deployment's email
 * subscribers; each alarm is `<stack>-<id>`, and docs/runbook.md says what it means and what to do. The dashboard
 * shows the API, then per capability its functions' requests, errors and latency (with the insights cache and jobs,
 * and the nightly batch's progress), then the model calls per request type: outcomes, tokens and cost per day.
 */
export class Monitoring extends Construct {
  /** Where every alarm of the stack goes (alarm and OK actions). */
  readonly topic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // CloudWatch publishes to an encrypted topic only with a customer managed key whose policy lets it; the topic's
    // own policy (which replaces SNS's default one) lets it publish, for this account's alarms.
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    });
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: `${stack.stackName}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    topicKey.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `${stack.stackName} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.topic.grantPublish(cloudWatch);
    for (const email of props.alarmEmails) this.topic.addSubscription(new EmailSubscription(email));
    Aspects.of(stack).add(new NotifyOnAlarms(this.topic));
    new CfnOutput(this, 'AlarmTopicArn', {
      key: 'AlarmTopicArn',
      value: this.topic.topicArn,
      description: 'SNS topic every alarm notifies; subscribe a pager or chat integration here',
    });

    const groups = functionGroups(props);
    for (const group of groups) this.alarmFunctions(group);
    this.alarmApi(props.api);
    for (const [tableKey, table] of Object.entries(props.data.tables)) {
      const name = `${pascal(tableKey)}Table`;
      this.alarmAtLeast(
        `${name}Throttles`,
        new MathExpression({
          expression: 'SUM([reads, writes])',
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { statistic: 'Sum' }),
            writes: table.metric('WriteThrottleEvents', { statistic: 'Sum' }),
          },
          period: FIVE_MINUTES,
        }),
        TABLE_THROTTLES_THRESHOLD,
        `DynamoDB throttled ${TABLE_THROTTLES_THRESHOLD}+ reads or writes of the ${tableKey} table in 5 minutes.`,
      );
      this.alarmAtLeast(
        `${name}SystemErrors`,
        table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES }),
        TABLE_SYSTEM_ERRORS_THRESHOLD,
        `DynamoDB answered ${TABLE_SYSTEM_ERRORS_THRESHOLD}+ requests on the ${tableKey} table with a 500 in 5 minutes.`,
      );
    }
    this.alarmAtLeast(
      'ModelThrottles',
      gatewayMetric('ModelThrottles', FIVE_MINUTES),
      MODEL_THROTTLES_THRESHOLD,
      `Bedrock throttled ${MODEL_THROTTLES_THRESHOLD}+ model calls in 5 minutes after the SDK's retries (all request ` +
        'types): the tokens-per-minute quota is spent.',
    );
    this.alarmAtLeast(
      'ModelFallbacks',
      gatewayMetric('ModelFallbacks', FIFTEEN_MINUTES),
      MODEL_FALLBACKS_THRESHOLD,
      `${MODEL_FALLBACKS_THRESHOLD}+ model calls in 15 minutes were answered by a fallback model: the primary one ` +
        'throttles, times out or fails.',
    );
    this.alarmAtLeast(
      'NoCapableModel',
      gatewayMetric('NoCapableModel', FIFTEEN_MINUTES),
      NO_CAPABLE_MODEL_THRESHOLD,
      "A model call was refused because none of its template's models can serve it (503 no_capable_model): a " +
        'template names only models without what its calls need.',
    );
    this.alarmAtLeast(
      'InsightJobsFailed',
      serviceMetric('InsightJobOutcome_failed', FIFTEEN_MINUTES),
      INSIGHT_JOBS_FAILED_THRESHOLD,
      `${INSIGHT_JOBS_FAILED_THRESHOLD}+ on-demand insight jobs failed in 15 minutes: those tenants keep the rules' set.`,
    );
    this.alarmAtLeast(
      'TenantBudgetRejections',
      gatewayMetric('BudgetRejections', FIFTEEN_MINUTES),
      BUDGET_REJECTIONS_THRESHOLD,
      `${BUDGET_REJECTIONS_THRESHOLD}+ model calls in 15 minutes were refused for a spent monthly budget: a tenant ` +
        'ran out (conversations answer 429, insights fall back to the rules).',
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: stack.stackName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new TextWidget({
            markdown:
              `# ${stack.stackName}\nAlarms notify the alarm topic (output AlarmTopicArn); what each means and ` +
              'what to do: docs/runbook.md.',
            width: 24,
            height: 2,
          }),
        ],
        this.apiWidgets(props.api),
        ...this.capabilityWidgets(groups, props),
        this.modelWidgets(),
      ],
    });
  }

  /** Errors, throttles and the slowest invocation near the timeout, over a group's functions. */
  private alarmFunctions(group: FunctionGroup): void {
    const timeout = timeoutOf(group);
    const names = group.functions.map(labelOf).join(', ');
    this.alarmAtLeast(
      `${group.id}Errors`,
      acrossFunctions(group.functions, 'SUM', (fn) => fn.metricErrors({ statistic: 'Sum' })),
      LAMBDA_ERRORS_THRESHOLD,
      `${group.id}: ${LAMBDA_ERRORS_THRESHOLD}+ Lambda errors in 5 minutes (${names}).`,
    );
    this.alarmAtLeast(
      `${group.id}Throttles`,
      acrossFunctions(group.functions, 'SUM', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
      LAMBDA_THROTTLES_THRESHOLD,
      `${group.id}: ${LAMBDA_THROTTLES_THRESHOLD}+ throttled invocations in 5 minutes (${names}).`,
    );
    this.alarmAtLeast(
      `${group.id}Duration`,
      acrossFunctions(group.functions, 'MAX', (fn) => fn.metricDuration({ statistic: 'Maximum' })),
      Math.round(DURATION_NEAR_TIMEOUT_SHARE * timeout.toMilliseconds()),
      `${group.id}: an invocation took ${DURATION_NEAR_TIMEOUT_SHARE * 100}%+ of the ${timeout.toSeconds()} s ` +
        `timeout in the last 5 minutes (${names}).`,
    );
  }

  /** The HTTP API's 5xx rate and p99 latency. */
  private alarmApi(api: Api): void {
    this.alarmAtLeast(
      'Api5xxRate',
      new MathExpression({
        expression: `IF(requests >= ${API_MIN_REQUESTS}, 100 * errors / requests, 0)`,
        usingMetrics: {
          requests: api.stage.metricCount({ statistic: 'Sum' }),
          errors: api.stage.metricServerError({ statistic: 'Sum' }),
        },
        period: FIVE_MINUTES,
      }),
      API_5XX_RATE_PERCENT,
      `HTTP API: ${API_5XX_RATE_PERCENT}%+ of requests answered 5xx for 10 minutes (with ${API_MIN_REQUESTS}+ ` +
        'requests per 5 minutes).',
      2,
    );
    this.alarmAtLeast(
      'ApiLatencyP99',
      api.stage.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
      API_P99_LATENCY.toMilliseconds(),
      `HTTP API: p99 latency at ${API_P99_LATENCY.toSeconds()} s or more for 15 minutes.`,
      3,
    );
  }

  /** An alarm when `metric` reaches `threshold` in `evaluationPeriods` periods running; no data is not a breach. */
  private alarmAtLeast(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    evaluationPeriods = 1,
  ): void {
    namedAlarm(this, id, {
      alarmDescription: `${description} What to do: ${id} in docs/runbook.md.`,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The API's requests, client and server errors, and latency. */
  private apiWidgets(api: Api): IWidget[] {
    const { stage } = api;
    return [
      new GraphWidget({ title: 'api: requests', left: [stage.metricCount({ statistic: 'Sum' })], width: 8 }),
      new GraphWidget({
        title: 'api: 4xx and 5xx',
        left: [stage.metricClientError({ statistic: 'Sum' }), stage.metricServerError({ statistic: 'Sum' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'api: latency p50 and p99 (ms)',
        left: [stage.metricLatency({ statistic: 'p50' }), stage.metricLatency({ statistic: 'p99' })],
        width: 8,
      }),
    ];
  }

  /**
   * Per capability: its functions' invocations, errors and throttles, and p50 and p99 durations (one line each); the
   * insights cache hit rate, jobs and queue; the nightly batch's progress.
   */
  private capabilityWidgets(groups: readonly FunctionGroup[], props: MonitoringProps): IWidget[][] {
    const byCapability = new Map<string, CoachingFunction[]>();
    for (const fn of groups.flatMap((group) => group.functions)) {
      byCapability.set(fn.capability, [...(byCapability.get(fn.capability) ?? []), fn]);
    }
    const extras: Readonly<Record<string, IWidget[]>> = {
      insights: this.insightsWidgets(props.workers),
      batch: [this.batchProgressWidget(props.batch)],
    };
    return [...byCapability].map(([capability, functions]) => {
      const each = (metricOf: (fn: CoachingFunction) => IMetric) => functions.map(metricOf);
      return [
        new GraphWidget({
          title: `${capability}: requests`,
          left: each((fn) => fn.metricInvocations({ statistic: 'Sum', label: labelOf(fn) })),
          stacked: true,
          width: 6,
        }),
        new GraphWidget({
          title: `${capability}: errors and throttles`,
          left: each((fn) => fn.metricErrors({ statistic: 'Sum', label: `${labelOf(fn)} errors` })),
          right: each((fn) => fn.metricThrottles({ statistic: 'Sum', label: `${labelOf(fn)} throttles` })),
          width: 6,
        }),
        ...(['p50', 'p99'] as const).map(
          (statistic) =>
            new GraphWidget({
              title: `${capability}: latency ${statistic} (ms)`,
              left: each((fn) => fn.metricDuration({ statistic, label: labelOf(fn) })),
              width: 6,
            }),
        ),
        ...(extras[capability] ?? []),
      ];
    });
  }

  /** The insights cache hit rate, the on-demand jobs by outcome, and their queue. */
  private insightsWidgets(workers: Workers): IWidget[] {
    const queues = Object.values(workers.byKey);
    return [
      new GraphWidget({
        title: 'insights: cache hit rate (%)',
        left: [
          new MathExpression({
            expression: '100 * hits / (hits + misses)',
            usingMetrics: { hits: serviceMetric('CacheHit'), misses: serviceMetric('CacheMiss') },
            label: 'GET /insights and /insights/summary served from a fresh set',
            period: FIVE_MINUTES,
          }),
        ],
        leftYAxis: { min: 0, max: 100 },
        width: 6,
      }),
      new GraphWidget({
        title: 'insights: jobs by outcome',
        left: INSIGHT_JOB_OUTCOMES.map((outcome) =>
          serviceMetric(`InsightJobOutcome_${outcome}`).with({ label: outcome }),
        ),
        stacked: true,
        width: 6,
      }),
      new GraphWidget({
        title: 'insights: on-demand queue',
        left: queues.map((worker) =>
          worker.queue.metricApproximateAgeOfOldestMessage({ label: `${worker.definition.id} oldest (s)` }),
        ),
        right: queues.map((worker) =>
          worker.queue.metricApproximateNumberOfMessagesVisible({ label: `${worker.definition.id} waiting` }),
        ),
        width: 6,
      }),
    ];
  }

  /** Tonight's run: tenants waiting, in progress and done, and what landed in the dead-letter queue. */
  private batchProgressWidget(batch: Batch): IWidget {
    return new GraphWidget({
      title: 'batch: progress (tenants)',
      left: [
        batch.queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
        batch.queue.metricApproximateNumberOfMessagesNotVisible({ label: 'in progress' }),
        batch.queue.metricNumberOfMessagesDeleted({ label: 'done (per 5 min)', statistic: 'Sum' }),
        batch.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead-lettered' }),
      ],
      width: 6,
    });
  }

  /**
   * Model calls per request type (the metering's capabilities: insights, conversation, batch): by outcome, tokens and
   * cost per day, throttles, fallbacks and budget refusals. Each widget is one Metrics Insights query (one per widget).
   */
  private modelWidgets(): IWidget[] {
    const perType = (title: string, metricName: string, period = FIVE_MINUTES): GraphWidget =>
      new GraphWidget({ title, left: [gatewayMetric(metricName, period, true)], width: 6 });
    return [
      ...MODEL_OUTCOMES.map((outcome) => perType(`model calls: ${outcome}`, `ModelCalls_${outcome}`)),
      perType('model input tokens per day', 'InputTokens', Duration.days(1)),
      perType('model output tokens per day', 'OutputTokens', Duration.days(1)),
      perType('model cost per day (micro-USD: 1,000,000 = $1)', 'CostMicroUsd', Duration.days(1)),
      perType('model throttles', 'ModelThrottles'),
      perType('model fallbacks', 'ModelFallbacks'),
      perType('budget rejections', 'BudgetRejections'),
    ];
  }
}
