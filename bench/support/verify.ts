import type { Scenario } from '../scenarios.js';

export class ScenarioCheckError extends Error {
  override readonly name = 'ScenarioCheckError';
}

interface GraphQLBody {
  readonly data?: unknown;
  readonly errors?: readonly { readonly message?: string }[];
}

/**
 * Sends the scenario's request twice and insists on 200, `data` and no `errors` (and on the
 * scenario's own `check`, if any): a benchmark of error responses measures nothing. Returns the body when both answers are identical, so the load
 * run can count any different answer as an error; undefined when the answer legitimately varies.
 */
export async function verifyScenario(scenario: Scenario): Promise<string | undefined> {
  const first = await checkOnce(scenario);
  const second = await checkOnce(scenario);
  return first === second ? first : undefined;
}

async function checkOnce(scenario: Scenario): Promise<string> {
  const fail = (reason: string) => new ScenarioCheckError(`scenario "${scenario.name}" (${scenario.url}): ${reason}`);
  let response: Response;
  try {
    response = await fetch(scenario.url, {
      method: scenario.method ?? 'POST',
      headers: scenario.headers,
      ...(scenario.body !== undefined ? { body: scenario.body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw fail(`request failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  let body: GraphQLBody;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    throw fail(`HTTP ${response.status}, body is not JSON: ${truncate(text)}`);
  }
  if (body.errors?.length) {
    const messages = body.errors.map((e) => e.message ?? '?').join('; ');
    throw fail(`HTTP ${response.status}, GraphQL errors: ${messages}\n  body: ${truncate(text)}`);
  }
  if (response.status !== 200) throw fail(`HTTP ${response.status}: ${truncate(text)}`);
  if (scenario.answers !== 'rest' && (body.data === null || typeof body.data !== 'object')) {
    throw fail(`no data: ${truncate(text)}`);
  }
  const wrong = scenario.check?.(body);
  if (wrong !== undefined) throw fail(wrong);
  return text;
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
