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

/** How much of one check command's output a run log keeps: the first and the last half of this. */
export const OUTPUT_CAP = 2 * 1024 * 1024;

export interface OutputSink {
  write(text: string): void;
  /** Writes the kept tail and, if anything was cut, a line saying what. */
  end(): void;
}

/**
 * One check's output into the run log, capped: a check printing 500 MB must
 * not leave 500 MB per run (times the logs kept). The head is written as it
 * arrives; the tail is held until the command ends.
 */
export function cappedOutput(log: RunLog, prefix: string, cap = OUTPUT_CAP): OutputSink {
  const half = Math.floor(cap / 2);
  const emit = (text: string) => text && log.write(text.replace(/\n$/, '').replace(/^/gm, prefix));
  let head = 0;
  const tail: string[] = [];
  let tailLen = 0;
  let cutChars = 0;
  let cutLines = 0;
  const cut = (text: string) => {
    cutChars += text.length;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) cutLines++;
  };
  return {
    write(text) {
      if (head < half) {
        const take = text.slice(0, half - head);
        head += take.length;
        emit(take);
        text = text.slice(take.length);
      }
      if (!text) return;
      tail.push(text);
      tailLen += text.length;
      while (tail.length > 1 && tailLen - tail[0].length >= half) {
        const gone = tail.shift()!;
        tailLen -= gone.length;
        cut(gone);
      }
    },
    end() {
      let rest = tail.join('');
      tail.length = 0;
      if (rest.length > half) {
        cut(rest.slice(0, rest.length - half));
        rest = rest.slice(rest.length - half);
      }
      if (cutChars) log.write(`${prefix}[heph: ${cutChars} characters (${cutLines} lines) of output cut here; the log keeps the first and last ${Math.round(half / 1024)} KiB of each command]`);
      emit(rest);
    },
  };
}
