import { createServer } from 'node:net';

/**
 * The bench's own port range: other work on this machine uses 4000-4899 and random ports, so every
 * listener the bench starts takes a free port from 4900-4999, checked by binding it first.
 */
const FIRST = 4900;
const LAST = 4999;

const taken = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `count` free ports of the range, none handed out before in this run. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = FIRST; port <= LAST && ports.length < count; port += 1) {
    if (taken.has(port) || !(await isFree(port))) continue;
    taken.add(port);
    ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports left in ${FIRST}-${LAST}`);
  return ports;
}
