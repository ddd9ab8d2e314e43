/** Reads `.heph.json`: parse errors with line and column, every validation problem at once. */
import { HephError } from '../errors.js';
import { cwdProblems, readConfigFile } from './read.js';
import { resolveConfig } from './resolve.js';
import { loadLayered } from './layered.js';
import type { ConfigProblem, ResolvedConfig } from './types.js';
import { validateConfig } from './validate.js';

/** Line and column (1-based) of a character offset. */
export function lineCol(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(pos, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Where a JSON.parse SyntaxError points, across Node versions' message formats. */
export function syntaxErrorAt(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineCol(text, Number(pos[1]));
  return lineCol(text, text.length);
}

export function formatProblems(file: string, problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path || '(top level)'}: expected ${p.expected}, found ${p.found}${p.hint ? ` (${p.hint})` : ''}`);
  return `${file} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Parses JSON text; a syntax error names the file, line and column. */
export function parseJson(text: string, file: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const { line, column } = syntaxErrorAt(text, (e as Error).message);
    const why = (e as Error).message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    throw new HephError('config', `${file}:${line}:${column}: invalid JSON: ${why}`, 'fix the syntax at that line and column (JSON allows no comments or trailing commas)');
  }
  return raw;
}

/** @param withSources also record where each check came from (`heph config --resolved`), even without `extends`. */
export function parseConfigText(text: string, file: string, withSources = false): ResolvedConfig {
  const raw = parseJson(text, file);
  const layered = !!raw && typeof raw === 'object' && ('extends' in raw || withSources);
  const problems = validateConfig(raw, { partial: layered });
  if (problems.length) throw new HephError('config', formatProblems(file, problems), 'the JSON Schema (schema.json in the heph package) gives editors completion and inline errors');
  return layered ? loadLayered(raw, file, parseJson) : resolveConfig(raw, file);
}

export function loadConfig(file: string, withSources = false): ResolvedConfig {
  const config = parseConfigText(readConfigFile(file), file, withSources);
  const problems = cwdProblems(config);
  if (problems.length) throw new HephError('config', formatProblems(file, problems), 'a check runs inside the repository');
  return config;
}
