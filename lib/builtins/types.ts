/** What a built-in check is given and what it returns. */
export interface BuiltinContext {
  /** The repository root; files are relative to it. */
  root: string;
  /** The words after `heph:<name>` (options such as `--fix`, `--max-kb 500`). */
  args: string[];
  /** `--fix` was given: repair what can be repaired instead of reporting it. */
  fix: boolean;
}

export interface BuiltinOutcome {
  /** One line per problem, `path:line: what`; empty when the files pass. */
  problems: string[];
  /** Files a fix rewrote. */
  fixed?: string[];
}

export type Builtin = (files: string[], ctx: BuiltinContext) => BuiltinOutcome | Promise<BuiltinOutcome>;

/** The value of `--name V` or `--name=V` among the args, or undefined. */
export function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}
