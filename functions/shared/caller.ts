/** Who is calling, taken only from the verified JWT claims (never from the query or the body). */
export interface Caller {
  readonly tenantId: string;
  readonly userId: string;
  /** A tenant's administrator: may read the whole tenant's data. */
  readonly isAdmin: boolean;
  /** The caller's bearer token, forwarded to the .NET APIs on the user's behalf (a service token for jobs). */
  readonly bearerToken: string;
}
