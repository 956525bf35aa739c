import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { EMBEDDED_THREAD_NAME, serveCluster, type ClusterOptions } from './served-cluster.js';

/**
 * The embedded cluster on a thread of its own (embedded.ts, `inWorker`): PGlite opens its files and
 * runs PostgreSQL's WASM here, beside the main thread's module loading and schema building.
 */
export interface WorkerInput {
  readonly options: ClusterOptions;
  readonly socketPath: string;
}

export type WorkerRequest = { readonly id: number; readonly type: 'dump' | 'stop' };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly id: number; readonly type: 'done'; readonly tarball?: ArrayBuffer }
  | { readonly id: number; readonly type: 'failed'; readonly error: unknown };

// Named on Linux (Node 20 names no worker thread), so that `top -H` and the bench (goal 8) can tell
// the database's CPU from the gateway's and the subgraphs'.
try {
  writeFileSync('/proc/thread-self/comm', EMBEDDED_THREAD_NAME);
} catch {
  // not Linux, or a kernel that refuses: only the name is lost
}

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

// Not top-level await: npm start runs this thread's file as CommonJS (bin/start.mjs).
void (async () => {
  try {
    const cluster = await serveCluster(input.options, input.socketPath);
    port.on('message', (request: WorkerRequest) => {
      const work =
        request.type === 'dump'
          ? cluster.dump().then(async (blob) => {
              const tarball = await blob.arrayBuffer();
              post({ id: request.id, type: 'done', tarball }, [tarball]);
            })
          : cluster.stop().then(() => {
              post({ id: request.id, type: 'done' });
              port.close();
            });
      work.catch((error: unknown) => post({ id: request.id, type: 'failed', error }));
    });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'failed', error });
    port.close();
  }
})();
