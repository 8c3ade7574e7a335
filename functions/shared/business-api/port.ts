import type { Invocation, UsageSink } from '../invocation';
import type { LogSink } from '../observability';
import type { BusinessSnapshot, SourceName } from './model';

/** On whose behalf business data is read: the tenant, and the credentials the .NET APIs accept. */
export interface BusinessDataRequest {
  readonly tenantId: string;
  /** Bearer token forwarded to the .NET APIs (the user's, or a service token in the batch). */
  readonly bearerToken: string;
  readonly correlationId: string;
  readonly log: LogSink;
  /** Where the read's bookkeeping writes go (the sources' health): settled before the invocation ends. */
  readonly defer: UsageSink['defer'];
}

/** Reads a tenant's business data from the Account and Traction services. Never throws for a failed source. */
export interface BusinessData {
  /** Fetches the given sources (all six by default) in parallel; failures become `gaps` in the snapshot. */
  snapshot(request: BusinessDataRequest, sources?: readonly SourceName[]): Promise<BusinessSnapshot>;
}

/** Reads on behalf of the invocation's caller: their own tenant (from the verified token), with their credentials. */
export const onBehalfOf = (invocation: Invocation): BusinessDataRequest => ({
  tenantId: invocation.caller.tenantId,
  bearerToken: invocation.caller.bearerToken,
  correlationId: invocation.correlationId,
  log: invocation.log,
  defer: (write, describe) => invocation.usage.defer(write, describe),
});

/**
 * Reads a tenant that is not the caller's (a platform admin's dry-run) as the service itself, with its own
 * client-credentials token: the caller's token is never sent for another tenant.
 */
export const asService = (invocation: Invocation, tenantId: string, serviceToken: string): BusinessDataRequest => ({
  tenantId,
  bearerToken: serviceToken,
  correlationId: invocation.correlationId,
  log: invocation.log,
  defer: (write, describe) => invocation.usage.defer(write, describe),
});

/** The service-to-service bearer token for the .NET APIs (client credentials), cached until near its expiry. */
export interface ServiceTokenProvider {
  token(): Promise<string>;
}
