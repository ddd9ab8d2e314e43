/**
 * The only place heph prints. Human output goes through consola; with --json
 * the report is the only thing on stdout and human lines go to stderr.
 */
import { createConsola, type ConsolaInstance } from 'consola';
import { colors } from 'consola/utils';
import { HephError } from '../errors.js';

export interface Output {
  /** True when stdout carries the JSON report. */
  json: boolean;
  consola: ConsolaInstance;
  /** A plain line of human output. */
  line(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  /** Prints an error: its message and how to fix it, never a stack (unless HEPH_DEBUG). */
  error(err: unknown): void;
  /** Writes the machine-readable document to stdout. */
  data(value: unknown): void;
}

export const useColor = (stream: NodeJS.WriteStream): boolean =>
  !process.env.NO_COLOR && (!!process.env.FORCE_COLOR || (stream.isTTY ?? false));

export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = !!opts.json;
  const human = json ? process.stderr : process.stdout;
  const consola = createConsola({
    stdout: human,
    stderr: process.stderr,
    level: opts.quiet ? 1 : 3,
    formatOptions: { date: false, colors: useColor(human), compact: true },
  });
  return {
    json,
    consola,
    line: (text) => (opts.quiet ? undefined : consola.log(text)),
    info: (text) => consola.info(text),
    warn: (text) => consola.warn(text),
    error(err) {
      if (err instanceof HephError) {
        consola.error(err.message + (err.hint ? `\n${colors.dim('hint: ' + err.hint)}` : ''));
      } else {
        const e = err as Error;
        consola.error(`unexpected error: ${e?.message ?? String(err)}` + (process.env.HEPH_DEBUG ? `\n${e?.stack}` : '\nrun again with HEPH_DEBUG=1 for details'));
      }
    },
    data: (value) => process.stdout.write(JSON.stringify(value, null, 2) + '\n'),
  };
}
