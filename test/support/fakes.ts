import type { BusinessSnapshot } from '../../functions/shared/business-api/model';
import type { BusinessData, BusinessDataRequest } from '../../functions/shared/business-api/port';
import type { Generation, GenerationInput, InsightGenerator } from '../../functions/insights/generation';
import type { Invocation } from '../../functions/shared/invocation';
import { logger } from '../../functions/shared/observability';
import { testInvocation } from './invocation';

/** BusinessData answering a fixed snapshot (or one per tenant), counting calls, optionally slow. */
export class FixedBusinessData implements BusinessData {
  calls = 0;
  /** Every request, oldest first. */
  readonly requests: BusinessDataRequest[] = [];
  constructor(
    public snapshotFor: (tenantId: string) => BusinessSnapshot,
    private readonly delayMs = 0,
  ) {}

  async snapshot(request: BusinessDataRequest): Promise<BusinessSnapshot> {
    this.calls += 1;
    this.requests.push(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.snapshotFor(request.tenantId);
  }
}

/** InsightGenerator delegating to a function, recording its inputs. */
export class RecordingGenerator implements InsightGenerator {
  readonly inputs: GenerationInput[] = [];
  constructor(private readonly produce: (input: GenerationInput) => Generation) {}

  async generate(input: GenerationInput): Promise<Generation> {
    this.inputs.push(input);
    return this.produce(input);
  }
}

/** MetricsRecorder that keeps what was added. */
export class RecordingMetrics {
  readonly added: { name: string; value: number }[] = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.added.push({ name, value });
  }
  total(name: string): number {
    return this.added.filter((metric) => metric.name === name).reduce((sum, metric) => sum + metric.value, 0);
  }
}

/** An invocation of a tenant's user, as the HTTP pipeline would start it. */
export const invocationFor = (tenantId: string, userId = 'user-1'): Invocation =>
  testInvocation({ tenantId, userId, correlationId: `corr-${tenantId}`, log: logger }).invocation;
