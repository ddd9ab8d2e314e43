/** One HTTP POST with a hard deadline: the request is torn down when time is up, answered or not. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostResult {
  ok: boolean;
  status?: number;
  /** Why it failed: a network error, "timed out after N ms", or the HTTP status. */
  error?: string;
  /** Trying again cannot help (the URL itself is bad). */
  permanent?: boolean;
}

export function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: 'not a valid URL', permanent: true });
  }
  return new Promise((done) => {
    let settled = false;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      done(r);
    };
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    // No keep-alive: nothing may hold the process open once the result is known.
    const req = send(u, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'user-agent': 'heph', connection: 'close', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      finish(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
    });
    const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${timeoutMs} ms` }), timeoutMs);
    req.on('error', (err) => finish({ ok: false, error: err.message }));
    req.end(body);
  });
}

/** Worth a second try: no answer, a server error, or "slow down". */
export const retryable = (r: PostResult) => (r.status ? r.status >= 500 || r.status === 429 || r.status === 408 : !r.permanent);
