import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';

/** The request a piece of work belongs to, wherever in its async chain the work runs. */
export interface RequestScope {
  readonly requestId: string;
  readonly res: ServerResponse;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (the rest of a request's middleware chain) inside the request's scope. */
export function runInRequestScope(scope: RequestScope, work: () => void): void {
  scopes.run(scope, work);
}

/** The scope of the request whose async chain is running now, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}
