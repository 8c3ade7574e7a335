import type { LogSink } from '../observability';
import type { BusinessSnapshot, SourceName } from './model';

/** On whose behalf business data is read: the tenant, and the credentials the .NET APIs accept. */
export interface BusinessDataRequest {
  readonly tenantId: string;
  /** Bearer token forwarded to the .NET APIs (the user's, or a service token in the batch). */
  readonly bearerToken: string;
  readonly correlationId: string;
  readonly log: LogSink;
}

/** Reads a tenant's business data from the Account and Traction services. Never throws for a failed source. */
export interface BusinessData {
  /** Fetches the given sources (all six by default) in parallel; failures become `gaps` in the snapshot. */
  snapshot(request: BusinessDataRequest, sources?: readonly SourceName[]): Promise<BusinessSnapshot>;
}
