/**
 * The only place heph prints. Human output goes through consola (its core
 * build with a plain reporter: the full build costs ~20 ms to load, on every
 * commit); with --json the report is the only thing on stdout and human lines
 * go to stderr.
 */
import { createConsola, type ConsolaInstance, type ConsolaReporter } from 'consola/core';
import { formatWithOptions } from 'node:util';
import { HephError } from '../errors.js';
import { colorFor, colors, setColor } from './colors.js';

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

const LABEL: Record<string, (s: string) => string> = {
  warn: (s) => colors.yellow(`warning: ${s}`),
  error: (s) => colors.red(`error: ${s}`),
  fatal: (s) => colors.red(`error: ${s}`),
};

function reporter(human: NodeJS.WriteStream): ConsolaReporter {
  return {
    log(obj) {
      const text = formatWithOptions({ colors: false }, ...obj.args);
      const label = Object.hasOwn(LABEL, obj.type) ? LABEL[obj.type] : null;
      const stream = label ? process.stderr : human;
      stream.write((label ? label(text) : text) + '\n');
    },
  };
}

export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = !!opts.json;
  const human = json ? process.stderr : process.stdout;
  setColor(colorFor(human));
  const consola = createConsola({ reporters: [reporter(human)], level: opts.quiet ? 1 : 3 });
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
