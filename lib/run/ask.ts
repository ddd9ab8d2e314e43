/**
 * The question `--interactive` asks before a fix. Its own bundle: the prompt
 * library is loaded only when there is something to ask.
 */
import { consola } from 'consola';
import type { FixAnswer } from './confirm.js';

const CHOICES: { value: FixAnswer; label: string; hint: string }[] = [
  { value: 'yes', label: 'yes', hint: 'apply this fix' },
  { value: 'no', label: 'no', hint: 'leave this check failed' },
  { value: 'all', label: 'all', hint: 'apply this fix and every later one' },
  { value: 'quit', label: 'quit', hint: 'apply no more fixes in this run' },
];

export async function askFix(id: string, fix: string): Promise<FixAnswer> {
  // Ctrl-C at the prompt answers "quit"; the run's own signal handling stops the rest.
  const answer = await consola.prompt(`${id} failed. Apply its fix (${fix})?`, { type: 'select', options: CHOICES, initial: 'yes', cancel: 'null' });
  return (answer as unknown as FixAnswer | null) ?? 'quit';
}
