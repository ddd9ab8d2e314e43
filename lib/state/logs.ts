/**
 * One log per run in `<heph dir>/logs/`, named by start time so that names sort
 * by age; only the newest `keep` are kept. Writes are synchronous appends, so
 * whatever was logged before a kill is on disk.
 */
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RunLog {
  /** Absolute path, or null when logging is off (dry-run). */
  path: string | null;
  write(text: string): void;
  close(): void;
}

export const nullLog: RunLog = { path: null, write: () => {}, close: () => {} };

export function logsDir(hephDir: string): string {
  return join(hephDir, 'logs');
}

/** Log files, oldest first. */
export function listLogs(hephDir: string): string[] {
  try {
    return readdirSync(logsDir(hephDir))
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => join(logsDir(hephDir), f));
  } catch {
    return [];
  }
}

/** Deletes all but the newest `keep` logs. */
export function rotateLogs(hephDir: string, keep: number): void {
  const logs = listLogs(hephDir);
  for (const f of logs.slice(0, Math.max(0, logs.length - keep))) rmSync(f, { force: true });
}

export function openRunLog(hephDir: string, keep: number, now = new Date()): RunLog {
  const dir = logsDir(hephDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  const fd = openSync(path, 'a');
  rotateLogs(hephDir, keep);
  let open = true;
  return {
    path,
    write(text) {
      if (open) writeSync(fd, text.endsWith('\n') ? text : text + '\n');
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
