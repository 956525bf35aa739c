import { parentPort, workerData } from 'node:worker_threads';
import { serveCluster, type ClusterOptions } from './served-cluster.js';

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

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

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
