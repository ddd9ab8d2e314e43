/**
 * The question `--interactive` asks before a fix. Its own bundle: the prompt
 * library is loaded only when there is something to ask.
 *
 * On a terminal heph owns (stdin and stdout), consola's select prompt. Inside
 * a git hook, where git gives heph no terminal on stdin and sends its stdout
 * to stderr, a line question on the controlling terminal (/dev/tty), as the
 * user's shell would ask it.
 */
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ReadStream, WriteStream } from 'node:tty';
import { consola } from 'consola';
import type { FixAnswer } from './confirm.js';

const CHOICES: { value: FixAnswer; label: string; hint: string }[] = [
  { value: 'yes', label: 'yes', hint: 'apply this fix' },
  { value: 'no', label: 'no', hint: 'leave this check failed' },
  { value: 'all', label: 'all', hint: 'apply this fix and every later one' },
  { value: 'quit', label: 'quit', hint: 'apply no more fixes in this run' },
];

const question = (id: string, fix: string) => `${id} failed. Apply its fix (${fix})?`;

export async function askFix(id: string, fix: string): Promise<FixAnswer> {
  // Ctrl-C at the prompt answers "quit"; the run's own signal handling stops the rest.
  const answer = await consola.prompt(question(id, fix), { type: 'select', options: CHOICES, initial: 'yes', cancel: 'null' });
  return (answer as unknown as FixAnswer | null) ?? 'quit';
}

/** The same question as one line on the controlling terminal: y(es, the default), n, a, q. */
export async function askFixOnTty(id: string, fix: string): Promise<FixAnswer> {
  const input = new ReadStream(openSync('/dev/tty', 'r'));
  const output = new WriteStream(openSync('/dev/tty', 'w'));
  const rl = createInterface({ input, output, terminal: false });
  try {
    for (;;) {
      output.write(`heph: ${question(id, fix)} [Y]es, [n]o, [a]ll, [q]uit: `);
      const line: string | null = await new Promise((resolve) => {
        rl.once('line', resolve);
        rl.once('close', () => resolve(null));
      });
      if (line === null) return 'quit';
      const a = line.trim().toLowerCase();
      const hit = a === '' ? 'yes' : CHOICES.find((c) => c.value.startsWith(a[0]) && c.value.startsWith(a))?.value;
      if (hit) return hit;
    }
  } finally {
    rl.close();
    input.destroy();
    output.destroy();
  }
}

/** Whether there is a controlling terminal to ask on. */
export function hasTty(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
}
