/**
 * Asynchronous processes for concurrency and kill tests: the built CLI spawned
 * without waiting, bounded waits, liveness of pids, and fake checks that
 * record when they start and end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, type Repo, type Result } from './repo.js';

export interface Running {
  child: ChildProcess;
  pid: number;
  done: Promise<Result & { signal: NodeJS.Signals | null }>;
}

/** Starts `heph ARGS` in the repo; `done` resolves when it exits (killed after `limitMs`, so a test stays bounded). */
export function spawnHeph(r: Repo, args: string[], opts: { env?: Record<string, string>; limitMs?: number } = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: r.dir, env: { ...r.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 60_000);
  const done = new Promise<Result & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code: code ?? 128, signal, stdout, stderr });
    });
  });
  return { child, pid: child.pid!, done };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` until true; throws after `limitMs` (a bound, not a timing assertion). */
export async function waitFor(pred: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process has ended: gone, or a zombie waiting for a parent that may never reap it (pid 1 in a container). */
export function exited(pid: number): boolean {
  if (!alive(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** A pid that belonged to a process which has exited. */
export async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.on('close', r));
  return c.pid!;
}

/**
 * A fake check that appends `start <pid>` and `end <pid>` lines (with a clock
 * reading) to `<base>/stamps/<name>` around a sleep of `seconds`.
 */
export function stamper(r: Repo, name: string, seconds = 0.2): { cmd: string; file: string } {
  const dir = join(r.base, 'stamps');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'all');
  const script = join(r.base, 'bin', name);
  mkdirSync(join(r.base, 'bin'), { recursive: true });
  writeFileSync(script, `#!/bin/sh\necho "start $$ $(date +%s%N)" >> "${file}"\nsleep ${seconds}\necho "end $$ $(date +%s%N)" >> "${file}"\n`);
  chmodSync(script, 0o755);
  return { cmd: script, file };
}

/** The stamp lines; throws if two intervals overlap (a start before the previous end). */
export function intervals(file: string): { pid: string; start: bigint; end: bigint }[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' '));
  const out: { pid: string; start: bigint; end: bigint }[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const [s, e] = [lines[i], lines[i + 1]];
    if (s[0] !== 'start' || !e || e[0] !== 'end' || e[1] !== s[1]) throw new Error(`overlapping checks:\n${lines.map((l) => l.join(' ')).join('\n')}`);
    out.push({ pid: s[1], start: BigInt(s[2]), end: BigInt(e[2]) });
  }
  for (let i = 1; i < out.length; i++) if (out[i].start < out[i - 1].end) throw new Error('overlapping intervals by clock');
  return out;
}

/** A deterministic pseudo-random sequence (mulberry32), so a failing iteration can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
