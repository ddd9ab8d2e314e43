/** Starting a check on Windows: execa (cross-spawn) finds `.cmd` shims and honours PATHEXT. */
import { execa } from 'execa';

export function startWindows(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = execa(argv[0], argv.slice(1), { cwd, env, extendEnv: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, windowsHide: true });
  const done = child.then((res) => {
    const spawnError = res.failed && res.exitCode === undefined && !res.signal && res.cause ? String((res.cause as Error).message ?? res.cause) : null;
    return { exitCode: res.exitCode ?? null, signal: res.signal ?? null, spawnError };
  });
  return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, done };
}
