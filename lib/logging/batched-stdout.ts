import { pino } from 'pino';

/** How long a line may wait for others before it is written: what a reader tailing the log waits at most. */
export const LOG_BATCH_MS = 200;
/** A batch this large is written at once, so a burst cannot grow the buffer without bound. */
const BATCH_BYTES = 64 * 1024;

export interface LineSink {
  write(line: string): boolean;
}

/**
 * Log lines gathered into one write every LOG_BATCH_MS instead of one write per line. A write to a
 * pipe or file is a system call, and one per request was the largest item of the gateway's CPU
 * profile that was neither HTTP nor SQL (the access log, about 3%). Nothing is scheduled while
 * nothing waits, so an idle process never wakes for it; whatever waits is written synchronously when
 * the process exits, by `process.exit` too (an uncaught error logs fatal, then exits). A process
 * killed outright (SIGKILL, out of memory) loses at most the last LOG_BATCH_MS of lines.
 */
export function batchedLines(
  out: { write(chunk: string): unknown },
  delayMs = LOG_BATCH_MS,
): LineSink & { flush(): void } {
  let waiting: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const batch = waiting.join('');
    waiting = [];
    bytes = 0;
    out.write(batch);
  };
  return {
    write(line) {
      waiting.push(line);
      bytes += line.length;
      if (bytes >= BATCH_BYTES) flush();
      else if (!timer) {
        timer = setTimeout(flush, delayMs);
        // Never what keeps the process alive: exit writes what waits (below).
        timer.unref();
      }
      return true;
    },
    flush,
  };
}

let stdout: (LineSink & { flush(): void }) | undefined;

/** The process's one batched stdout, shared by its loggers so that their lines keep their order. */
export function batchedStdout(): LineSink {
  if (!stdout) {
    // pino's own default destination (synchronous; EAGAIN on a full pipe retried), given whole batches.
    const lines = batchedLines(pino.destination({ fd: process.stdout.fd, sync: true }));
    process.on('exit', () => lines.flush());
    stdout = lines;
  }
  return stdout;
}
