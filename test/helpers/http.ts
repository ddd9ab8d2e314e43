/**
 * A real HTTP server on loopback for webhook tests. Each request is recorded
 * (headers, body, and whether its connection was closed before an answer);
 * `reply` decides per request: a status, or `hang` to hold it unanswered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  /** The answer was sent. */
  answered: boolean;
  /** The client went away first (heph gave up on a hanging server). */
  abandoned: boolean;
  res: ServerResponse;
}

export interface Hooked {
  url: string;
  received: Received[];
  /** Events in the order they happened (`request`, `abandoned`), for ordering assertions. */
  events: string[];
  close(): Promise<void>;
}

export async function webhookServer(reply: (n: number) => number | 'hang'): Promise<Hooked> {
  const received: Received[] = [];
  const events: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (s) => (body += s));
    req.on('end', () => {
      const r: Received = { headers: req.headers, body, answered: false, abandoned: false, res };
      received.push(r);
      events.push('request');
      res.on('close', () => {
        if (!r.answered) {
          r.abandoned = true;
          events.push('abandoned');
        }
      });
      const what = reply(received.length);
      if (what === 'hang') return;
      r.answered = true;
      res.writeHead(what, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    events,
    close: () =>
      new Promise((resolve) => {
        for (const r of received) if (!r.answered) r.res.destroy();
        server.close(() => resolve());
      }),
  };
}
