import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  readonly to: string;
  readonly message: string;
  readonly contentType: string | undefined;
}

/** A real HTTP endpoint standing in for the SMS provider: records each POSTed JSON body. */
export async function startSmsReceiver() {
  const received: ReceivedSms[] = [];
  let status = 202;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (status < 300) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; message: string };
        received.push({ to: body.to, message: body.message, contentType: req.headers['content-type'] });
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    /** The status the provider answers from now on (2xx: accepted). */
    answer(next: number) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
