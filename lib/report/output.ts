/**
 * The only place heph prints: plain lines written straight to the streams
 * (consola's logger cost ~1 ms per cached commit to set up and call, for no
 * feature heph used; its prompt is still what `--interactive` shows). With
 * --json the report is the only thing on stdout and human lines go to stderr.
 * Warnings and errors always go to stderr, also with `quiet`.
 */
import { HephError } from '../errors.js';
import { colorFor, colors, setColor } from './colors.js';

export interface Output {
  /** True when stdout carries the JSON report. */
  json: boolean;
  /** A plain line of human output. */
  line(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  /** Prints an error: its message and how to fix it, never a stack (unless HEPH_DEBUG). */
  error(err: unknown): void;
  /** Writes the machine-readable document to stdout. */
  data(value: unknown): void;
}

export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = !!opts.json;
  const human = json ? process.stderr : process.stdout;
  setColor(colorFor(human));
  const say = (text: string) => (opts.quiet ? undefined : void human.write(text + '\n'));
  const fail = (text: string) => void process.stderr.write(colors.red(`error: ${text}`) + '\n');
  return {
    json,
    line: say,
    info: say,
    warn: (text) => void process.stderr.write(colors.yellow(`warning: ${text}`) + '\n'),
    error(err) {
      if (err instanceof HephError) {
        fail(err.message + (err.hint ? `\n${colors.dim('hint: ' + err.hint)}` : ''));
      } else {
        const e = err as Error;
        fail(`unexpected error: ${e?.message ?? String(err)}` + (process.env.HEPH_DEBUG ? `\n${e?.stack}` : '\nrun again with HEPH_DEBUG=1 for details'));
      }
    },
    data: (value) => process.stdout.write(JSON.stringify(value, null, 2) + '\n'),
  };
}
