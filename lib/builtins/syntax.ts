/**
 * Syntax of YAML and TOML files. The YAML and TOML parsers (yaml,
 * smol-toml) are bundled with this file only: loaded when such a check runs.
 */
import { parseAllDocuments } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { regularFiles } from './read.js';
import type { Builtin } from './types.js';

import { utf8 } from './json.js';

export const yaml: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    // Every document of a stream; unknown tags (!Ref, !include) are fine: only the syntax is checked.
    for (const doc of parseAllDocuments(utf8(f.text), { uniqueKeys: true })) {
      const errors = 'errors' in doc ? doc.errors : [];
      for (const err of errors) problems.push(`${f.path}:${err.linePos?.[0].line ?? 1}:${err.linePos?.[0].col ?? 1}: invalid YAML: ${err.message.split('\n')[0]}`);
    }
  }
  return { problems };
};

export const toml: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    try {
      parseToml(utf8(f.text));
    } catch (e) {
      const err = e as Error & { line?: number; column?: number };
      problems.push(`${f.path}${err.line ? `:${err.line}:${err.column}` : ''}: invalid TOML: ${err.message.split('\n')[0]}`);
    }
  }
  return { problems };
};
