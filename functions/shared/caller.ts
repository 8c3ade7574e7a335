/**
 * The roles a caller can hold (DESIGN rule 7): every caller is a `user` (their own data); an `admin` administers
 * their own tenant (e.g. sees all of its conversations); a `platform-admin` runs the platform (global prompts, other
 * tenants' limits and usage, the nightly batch). The two admin roles come from two JWT groups and imply nothing of
 * each other.
 */
export type Role = 'user' | 'admin' | 'platform-admin';

/** Who is calling, taken only from the verified JWT claims (never from the query or the body). */
export interface Caller {
  readonly tenantId: string;
  readonly userId: string;
  /** A tenant's administrator: may read the whole tenant's data, and nothing of other tenants. */
  readonly isAdmin: boolean;
  /** A platform administrator: may run the platform routes, for any tenant. */
  readonly isPlatformAdmin: boolean;
  /**
   * Work the service does on its own (a job, the nightly run), not a person: it is bounded by one active job per
   * tenant and by the batch's quota, so the per-user request rate does not apply to it.
   */
  readonly isService: boolean;
  /** The caller's bearer token, forwarded to the .NET APIs on the user's behalf (a service token for jobs). */
  readonly bearerToken: string;
}

/** The caller of work the service does for one tenant on its own (a job, the nightly run): no admin role. */
export const serviceCaller = (tenantId: string, userId: string, bearerToken: string): Caller => ({
  tenantId,
  userId,
  isAdmin: false,
  isPlatformAdmin: false,
  isService: true,
  bearerToken,
});
