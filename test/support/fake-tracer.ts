/**
 * A stand-in for Powertools Tracer and the X-Ray segments it hands out, recording the segment tree in memory: what
 * was opened under what, its annotations, errors and flags, whether it was closed. Tests pass it to PowertoolsTracing
 * directly, or replace the package with it (`jest.mock('@aws-lambda-powertools/tracer', () =>
 * jest.requireActual('<path>/test/support/fake-tracer'))`) to see what the real wiring records.
 */
export class FakeSegment {
  readonly annotations: Record<string, string | number | boolean> = {};
  readonly subsegments: FakeSegment[] = [];
  readonly errors: Error[] = [];
  errorFlag = false;
  faultFlag = false;
  closed = false;

  constructor(
    readonly name: string,
    readonly parent?: FakeSegment,
  ) {}

  addNewSubsegment(name: string): FakeSegment {
    const subsegment = new FakeSegment(name, this);
    this.subsegments.push(subsegment);
    return subsegment;
  }

  addAnnotation(key: string, value: string | number | boolean): void {
    if (this.closed) throw new Error(`${this.name} is closed: annotation ${key} came too late`);
    this.annotations[key] = value;
  }

  addError(error: Error): void {
    this.errors.push(error);
    this.faultFlag = true;
  }

  addErrorFlag(): void {
    this.errorFlag = true;
  }

  addFaultFlag(): void {
    this.faultFlag = true;
  }

  close(): void {
    if (this.closed) throw new Error(`${this.name} closed twice`);
    this.closed = true;
  }

  /** This segment's subsegments and theirs, depth first. */
  descendants(): FakeSegment[] {
    return this.subsegments.flatMap((subsegment) => [subsegment, ...subsegment.descendants()]);
  }

  /** The one descendant named `name` (fails the test when there is none or more than one). */
  find(name: string): FakeSegment {
    const found = this.descendants().filter((segment) => segment.name === name);
    if (found.length !== 1) throw new Error(`${found.length} segments named ${name} under ${this.name}`);
    return found[0] as FakeSegment;
  }
}

/** Powertools Tracer as the code uses it, over a fake Lambda segment (what Lambda opens for each invocation). */
export class Tracer {
  /** Every Tracer made since the last reset, newest last (the code makes one per process). */
  static readonly instances: Tracer[] = [];
  readonly lambdaSegment = new FakeSegment('lambda');
  readonly capturedClients: unknown[] = [];
  private current: FakeSegment = this.lambdaSegment;
  private coldStart = true;

  constructor(readonly options: Readonly<Record<string, unknown>> = {}) {
    Tracer.instances.push(this);
  }

  isTracingEnabled(): boolean {
    return true;
  }

  getSegment(): FakeSegment {
    return this.current;
  }

  setSegment(segment: FakeSegment): void {
    this.current = segment;
  }

  annotateColdStart(): void {
    this.current.addAnnotation('ColdStart', this.coldStart);
    this.coldStart = false;
  }

  addServiceNameAnnotation(): void {
    this.current.addAnnotation('Service', String(this.options.serviceName));
  }

  captureAWSv3Client<C>(client: C): C {
    this.capturedClients.push(client);
    return client;
  }
}
