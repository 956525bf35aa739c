/**
 * `work`'s result, or `timedOut()` once `ms` have passed without it. A process held off the CPU (a
 * long task, a busy host) runs due timers before it reads its sockets, so a bare timer would throw
 * away an answer that arrived in time. When the timer fires, the verdict waits for `setImmediate`,
 * which runs after the event loop has read what arrived.
 */
export function patiently<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const timer = setTimeout(() => {
      setImmediate(() => settle(() => reject(timedOut())));
    }, ms);
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
