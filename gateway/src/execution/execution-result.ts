/** An operation's answer as in-process callers see it: data, and errors as Apollo formats them. */
export interface ExecutionResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}
