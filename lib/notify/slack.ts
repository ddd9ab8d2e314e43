/** A Slack incoming-webhook message (`{text, blocks}`) for a run summary. */
import type { RunSummary } from '../report/summary.js';

/** Slack's mrkdwn treats these three as control characters. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ICON = { passed: ':white_check_mark:', fixed: ':wrench:', failed: ':x:', interrupted: ':warning:' } as const;

export function slackMessage(s: RunSummary) {
  const where = `${s.repo.root.split('/').pop()}${s.repo.branch ? ` (${s.repo.branch})` : ''}`;
  const head = `heph ${s.hook}: ${s.outcome} in ${where}, ${(s.report.durationMs / 1000).toFixed(1)}s`;
  const failed = s.checks.filter((c) => c.status === 'failed');
  const fixed = s.checks.filter((c) => c.status === 'fixed');
  const line = (c: RunSummary['checks'][number]) => `• \`${esc(c.id)}\` ${esc(c.reason)}`;
  const details = [...failed.map(line), ...fixed.map(line)].slice(0, 20).join('\n');
  const counts = Object.entries(
    s.checks.reduce<Record<string, number>>((m, c) => ((m[c.status] = (m[c.status] ?? 0) + 1), m), {}),
  )
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return {
    text: `${head}${failed.length ? ` — failed: ${failed.map((c) => c.id).join(', ')}` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${ICON[s.outcome]} *${esc(head)}*` } },
      ...(details ? [{ type: 'section', text: { type: 'mrkdwn', text: details } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: esc(`${counts}${s.repo.head ? ` · ${s.repo.head.slice(0, 10)}` : ''} · heph ${s.heph}`) }] },
    ],
  };
}
