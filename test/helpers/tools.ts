/**
 * Stand-in fixers and linters for the fix flow and its scheduling. Each logs
 * `start <tool> <pid> <mode> <files…>` and `end <tool> <pid>` to an events
 * file, so tests assert directly how often a tool started and that two tools
 * never overlapped, without timing anything. Behaviours:
 *
 * - `fmt [--check|--write] FILE…`: a line ending in a space is a defect; --write strips it;
 * - `lint [--fix] FILE…`: BAD is a defect the fix turns into GOOD; UNFIXABLE stays (exit 1);
 * - `wsfix [--check] FILE…`: the pre-commit-hooks convention: strips trailing spaces and
 *   exits 1 when it changed a file;
 * - `noupper FILE…` (read-only): fails on UPPER; `notrail FILE…`: fails on a trailing space;
 * - `types` (no files, reads every *.txt): fails on TYPE_ERROR.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from './repo.js';

const COMMON = `ev="$HEPH_TEST_EVENTS"; tool=$(basename "$0")
printf 'start %s %s %s\\n' "$tool" "$$" "$*" >> "$ev"
trap 'printf "end %s %s\\n" "$tool" "$$" >> "$ev"' EXIT
mode=; case "$1" in -*) mode=$1; shift;; esac
`;

const TOOLS: Record<string, string> = {
  fmt: `bad=0; for f in "$@"; do if grep -q ' $' "$f"; then
  if [ "$mode" = --write ]; then sed -i 's/ *$//' "$f"; else echo "would reformat $f"; bad=1; fi; fi; done; exit $bad`,
  lint: `bad=0; for f in "$@"; do
  if [ "$mode" = --fix ] && grep -q BAD "$f"; then sed -i 's/BAD/GOOD/g' "$f"; fi
  if grep -q 'BAD\\|UNFIXABLE' "$f"; then echo "$f: problem"; bad=1; fi; done; exit $bad`,
  wsfix: `bad=0; for f in "$@"; do if grep -q ' $' "$f"; then bad=1
  if [ "$mode" != --check ]; then sed -i 's/ *$//' "$f"; echo "Fixing $f"; fi; fi; done; exit $bad`,
  inplace: `bad=0; for f in "$@"; do if grep -q lower "$f"; then
  if [ "$mode" = --write ]; then c=$(sed s/lower/UPPER/g "$f"); printf '%s\\n' "$c" > "$f"; else bad=1; fi; fi; done; exit $bad`,
  peer: `me=$1; other=$2; shift 2; : > "$ev.$me"; n=0
  while [ ! -e "$ev.$other" ] && [ $n -lt "\${PEER_TRIES:-200}" ]; do sleep 0.05; n=$((n+1)); done
  if [ -e "$ev.$other" ]; then echo "saw $other" >> "$ev.$me"; fi`,
  noupper: `for f in "$@"; do if grep -q UPPER "$f"; then echo "$f: UPPER"; exit 1; fi; done`,
  notrail: `for f in "$@"; do if grep -q ' $' "$f"; then echo "$f: trailing space"; exit 1; fi; done`,
  types: `if grep -rl --include='*.txt' TYPE_ERROR .; then exit 1; fi`,
};

export interface ToolEvent {
  kind: 'start' | 'end';
  tool: string;
  pid: string;
  args: string;
}

/** Puts the stand-ins on the repo's PATH; returns a reader of the events so far. */
export function useTools(r: Repo): { events: () => ToolEvent[]; starts: (tool: string, mode?: string) => number } {
  const bin = join(r.base, 'tools');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(TOOLS)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${COMMON}${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const file = join(r.base, 'events.log');
  writeFileSync(file, '');
  r.env.PATH = `${bin}:${r.env.PATH}`;
  r.env.HEPH_TEST_EVENTS = file;
  const events = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [kind, tool, pid, ...rest] = l.split(' ');
        return { kind: kind as 'start' | 'end', tool, pid, args: rest.join(' ') };
      });
  return { events, starts: (tool, mode) => events().filter((e) => e.kind === 'start' && e.tool === tool && (mode === undefined || e.args.split(' ')[0] === mode)).length };
}

/** Runs of each tool as [start index, end index] in the events' order, with their arguments. */
export function spans(events: ToolEvent[]): { tool: string; args: string; from: number; to: number }[] {
  const open = new Map<string, { tool: string; args: string; from: number }>();
  const out: { tool: string; args: string; from: number; to: number }[] = [];
  events.forEach((e, i) => {
    if (e.kind === 'start') open.set(e.pid, { tool: e.tool, args: e.args, from: i });
    else {
      const s = open.get(e.pid);
      if (s) out.push({ ...s, to: i });
      open.delete(e.pid);
    }
  });
  return out;
}

/** Pairs of runs of `a` and `b` that overlapped in time. */
export function overlapping(events: ToolEvent[], a: string, b: string): string[] {
  const s = spans(events);
  const out: string[] = [];
  for (const x of s.filter((v) => v.tool === a)) for (const y of s.filter((v) => v.tool === b)) if (x.from < y.to && y.from < x.to) out.push(`${a} ${x.args} with ${b} ${y.args}`);
  return out;
}

/** A formatter without event logging: `--check FILE…` fails on "lower", `--write FILE…` turns it into "UPPER" and exits 0. */
export const LOWER_TO_UPPER = `#!/bin/sh
mode=$1; shift; rc=0
for f in "$@"; do
  if grep -q lower "$f"; then
    if [ "$mode" = --write ]; then sed -i s/lower/UPPER/g "$f"; else echo "$f: lower"; rc=1; fi
  fi
done
exit $rc
`;
