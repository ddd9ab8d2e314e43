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

function prepare(w: ResolvedWebhook, summary: RunSummary, env: NodeJS.ProcessEnv): { url: string; body: string; headers: (now: number) => Record<string, string> } {
  const url = w.url.startsWith('env:') ? env[w.url.slice(4)] : w.url;
  if (!url) throw new Error(`${w.url.slice(4)} is not set`);
  if (!/^https?:\/\//.test(url)) throw new Error(`${w.url.slice(4)} does not hold an http(s) URL`);
  if (w.format === 'slack') return { url, body: JSON.stringify(slackMessage(summary)), headers: () => ({}) };
  const secret = w.secretEnv ? env[w.secretEnv] : undefined;
  if (!secret) throw new Error(`the signing secret variable ${w.secretEnv ?? '(secretEnv)'} is not set; nothing was sent`);
  const key = secretKey(secret);
  const id = messageId();
  const body = JSON.stringify({ type: `heph.run.${summary.outcome}`, timestamp: summary.endedAt, data: summary });
  return { url, body, headers: (now) => standardHeaders(key, id, body, now) };
}

async function deliverOne(w: ResolvedWebhook, summary: RunSummary, env: NodeJS.ProcessEnv, now: () => number): Promise<PostResult & { tries: number }> {
  let msg;
  try {
    msg = prepare(w, summary, env);
  } catch (err) {
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
  const deliveries: Delivery[] = due.map((w, i) => ({
    target: targetName(hooks.indexOf(w), w.url),
    at: now(),
    ok: results[i].ok,
    detail: results[i].ok ? `${summary.outcome} sent (HTTP ${results[i].status})` : `${summary.outcome} not delivered after ${results[i].tries} ${results[i].tries === 1 ? 'try' : 'tries'}: ${results[i].error}`,
  }));
  for (const d of deliveries) {
    const line = `webhook ${d.target}: ${d.detail}`;
    if (opts.log) {
      try {
        appendFileSync(opts.log, `${new Date(d.at).toISOString()} ${line}\n`);
      } catch {
        /* the log may have been rotated away; the status file and the warning remain */
      }
    }
    if (!d.ok) opts.warn(`${line} (the run's result is unaffected)`);
  }
  recordDeliveries(opts.dir, deliveries);
}
