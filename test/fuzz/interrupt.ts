/**
 * The commit of a fuzz case through the installed hook, with heph (and only
 * heph: git must not be the one killed) sent SIGKILL or SIGINT at a random
 * moment when the case says so.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Env } from './repo.js';

export interface Case {
  seed: number;
  ops: string[];
  checks: string[];
  interrupt: 'none' | 'kill' | 'sigint';
  delayMs: number;
  worktree: boolean;
  hostile: string[];
  /** `git commit`, `git commit -a`, or `git commit -- <path>` (a temporary index). */
  variant?: 'plain' | 'all' | 'only';
}

export const commitArgs = (c: Case, only: string) => ['commit', '-q', '-m', 'fuzz', ...(c.variant === 'all' ? ['-a'] : c.variant === 'only' ? ['--', only] : [])];

function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    let kids: string;
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
      out.push(k);
      stack.push(k);
    }
  }
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** Runs `git commit` through the hook, interrupting heph (only heph) as the case says. */
export async function commitThroughHook(e: Env, c: Case, only: string): Promise<{ code: number; out: string; killed: boolean }> {
  const child = spawn('git', commitArgs(c, only), { cwd: e.root, env: e.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const done = new Promise<number>((res) => child.on('close', (code) => res(code ?? 128)));
  let killed = false;
  if (c.interrupt !== 'none') {
    let finished = false;
    void done.then(() => (finished = true));
    let heph = 0;
    while (!finished && !heph) {
      heph = descendants(child.pid!).find((p) => cmdline(p).includes('hook\0run\0pre-commit')) ?? 0;
      if (!heph) await new Promise((res) => setTimeout(res, 3));
    }
    if (heph) {
      await new Promise((res) => setTimeout(res, c.delayMs));
      try {
        process.kill(heph, c.interrupt === 'kill' ? 'SIGKILL' : 'SIGINT');
        killed = true;
      } catch {
        /* already gone */
      }
    }
  }
  const code = await done;
  return { code, out, killed };
}
