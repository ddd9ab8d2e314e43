/**
 * Tells the configured webhooks how a run ended. Called once the result is
 * final and printed; each webhook gets at most two tries within its time
 * budget, all webhooks at once. Nothing here can change the run's exit code:
 * a failure is written to the run log, remembered for `heph doctor`, and
 * shown as a warning.
 */
import { appendFileSync } from 'node:fs';
import type { ResolvedWebhook } from '../config/types.js';
import type { RunSummary } from '../report/summary.js';
import { messageId, secretKey, standardHeaders } from './standard.js';
import { slackMessage } from './slack.js';
import { post, retryable, type PostResult } from './post.js';
import { recordDeliveries, targetName, type Delivery } from './status.js';

export interface DeliverOptions {
  /** heph's folder (the delivery status file for `heph doctor`). */
  dir: string;
  /** The run log to append outcomes to, if the run wrote one. */
  log: string | null;
  warn: (msg: string) => void;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

/** Thrown when a webhook is not set up where heph runs (its URL or secret variable is unset). */
class NotHere extends Error {}

/**
 * The request to send. A variable the webhook needs being unset means it is not
 * meant to fire here (CI holds the secret, a laptop does not): that is noted in
 * the run log only, not warned about.
 */
function prepare(w: ResolvedWebhook, summary: RunSummary, env: NodeJS.ProcessEnv): { url: string; body: string; headers: (now: number) => Record<string, string> } {
  const url = w.url.startsWith('env:') ? env[w.url.slice(4)] : w.url;
  if (!url) throw new NotHere(`not sent: ${w.url.slice(4)} is not set here`);
  if (!/^https?:\/\//.test(url)) throw new Error(`${w.url.slice(4)} does not hold an http(s) URL`);
  if (w.format === 'slack') return { url, body: JSON.stringify(slackMessage(summary)), headers: () => ({}) };
  const secret = w.secretEnv ? env[w.secretEnv] : undefined;
  if (!secret) throw new NotHere(`not sent: the signing secret variable ${w.secretEnv ?? '(secretEnv)'} is not set here`);
  const key = secretKey(secret);
  const id = messageId();
  const body = JSON.stringify({ type: `heph.run.${summary.outcome}`, timestamp: summary.endedAt, data: summary });
  return { url, body, headers: (now) => standardHeaders(key, id, body, now) };
}

type Outcome = (PostResult & { tries: number }) | { skipped: string };

async function deliverOne(w: ResolvedWebhook, summary: RunSummary, env: NodeJS.ProcessEnv, now: () => number): Promise<Outcome> {
  let msg;
  try {
    msg = prepare(w, summary, env);
  } catch (err) {
    if (err instanceof NotHere) return { skipped: err.message };
    return { ok: false, error: (err as Error).message, tries: 0 };
  }
  // Two tries share the budget, so a server that never answers costs at most timeoutMs.
  const each = Math.max(1, Math.floor(w.timeoutMs / 2));
  let res = await post(msg.url, msg.body, msg.headers(now()), each);
  if (res.ok || !retryable(res)) return { ...res, tries: 1 };
  res = await post(msg.url, msg.body, msg.headers(now()), each);
  return { ...res, tries: 2 };
}

/** `hooks`: every configured webhook (their index names them); those for this hook and outcome are sent. */
export async function deliver(hooks: readonly ResolvedWebhook[], summary: RunSummary, opts: DeliverOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const due = hooks.filter((w) => w.hooks.includes(summary.hook as ResolvedWebhook['hooks'][number]) && w.events.includes(summary.outcome));
  const results = await Promise.all(due.map((w) => deliverOne(w, summary, opts.env, now)));
  const deliveries: Delivery[] = [];
  due.forEach((w, i) => {
    const r = results[i];
    const target = targetName(hooks.indexOf(w), w.url);
    if ('skipped' in r) return logLine(opts.log, now(), `webhook ${target}: ${summary.outcome} ${r.skipped}`);
    const tries = `${r.tries} ${r.tries === 1 ? 'try' : 'tries'}`;
    const d = { target, at: now(), ok: r.ok, detail: r.ok ? `${summary.outcome} sent (HTTP ${r.status})` : `${summary.outcome} not delivered after ${tries}: ${r.error}` };
    deliveries.push(d);
    logLine(opts.log, d.at, `webhook ${d.target}: ${d.detail}`);
    if (!d.ok) opts.warn(`webhook ${d.target}: ${d.detail} (the run's result is unaffected)`);
  });
  recordDeliveries(opts.dir, deliveries);
}

function logLine(log: string | null, at: number, line: string): void {
  if (!log) return;
  try {
    appendFileSync(log, `${new Date(at).toISOString()} ${line}\n`);
  } catch {
    /* the log may have been rotated away; the status file and the warning remain */
  }
}
