/**
 * The members part of `heph config --resolved`: each member, its scope and
 * hooks, and each of its checks as heph runs it (globs and `cwd` from the
 * repository root) with the file it came from.
 */
import type { Member, ResolvedCheck, ResolvedConfig } from '../config/types.js';
import type { CheckOrigin } from '../config/merge.js';
import type { Output } from '../report/output.js';

/** What `--json` says of a member check. */
export interface MemberCheckView {
  id: string;
  phase: string;
  name: string;
  /** The file that defined the check (a member's own `.heph.json`, or a layer it extends). */
  file: string;
  /** Which layer set each key, when the member's config extends others; null otherwise. */
  origin: CheckOrigin | null;
  check: { run: string; fix: string | null; files: string[] | null; inputs: string[] | null; cwd: string; tags: string[]; ttl: string };
}

export interface MemberView {
  name: string;
  dir: string;
  file: string;
  layers: string[];
  scope: string[];
  /** Its own hooks; null: the root's apply. */
  hooks: Member['hooks'];
  checks: MemberCheckView[];
}

function checkView(m: Member, phase: string, c: ResolvedCheck): MemberCheckView {
  const origin = m.origins?.[`${phase}/${c.name}`] ?? null;
  return {
    id: c.id,
    phase,
    name: c.name,
    file: origin?.definedBy ?? m.file,
    origin,
    check: { run: c.run, fix: c.fix, files: c.files, inputs: c.inputs, cwd: c.cwd || '.', tags: c.tags, ttl: c.ttl },
  };
}

export function memberViews(config: ResolvedConfig): MemberView[] {
  return (config.members ?? []).map((m) => ({
    name: m.name,
    dir: m.dir,
    file: m.file,
    layers: m.layers?.length ? m.layers : [m.file],
    scope: m.scope,
    hooks: m.hooks,
    checks: config.phases.flatMap((p) => p.checks.filter((c) => c.member === m.name).map((c) => checkView(m, p.name, c))),
  }));
}

/** Comment lines after the root file's JSON: a member is not part of the root file, so nothing here is JSON to copy. */
export function printMembers(views: MemberView[], describe: (o: CheckOrigin) => string, out: Output): void {
  if (!views.length) return;
  out.line('');
  out.line(`// ${views.length} member${views.length === 1 ? '' : 's'}: globs and cwd below are from the repository root`);
  for (const v of views) {
    out.line(`// member ${v.name}${v.name === v.dir ? '' : ` (${v.dir})`}: ${v.layers.join(' < ')}`);
    out.line(`//   scope: ${v.scope.join(', ')}`);
    out.line(`//   hooks: ${v.hooks ? JSON.stringify(v.hooks) : "the root's"}`);
    for (const c of v.checks) {
      out.line(`//   ${c.id}: ${c.origin ? describe(c.origin) : `from ${c.file}`}`);
      out.line(`//     ${JSON.stringify(c.check)}`);
    }
  }
}
