/** Scopes an API client's service principal can hold in identity's GraphQL. */
export const USERS_READ_SCOPE = 'users:read';
/** Create and update accounts by subject (provisioning). */
export const USERS_WRITE_SCOPE = 'users:write';
