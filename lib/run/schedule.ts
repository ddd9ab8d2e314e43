/**
 * Ordering the checks of a phase so that every result describes the content
 * the phase leaves behind. Each check reads files and, when its fix may run,
 * writes files. A check that writes files another check reads or writes must
 * not overlap it in time: writers that share files run one after another in
 * the config's order, and a check that only reads runs after every writer of
 * the files it reads (a linter never sees content a fixer is about to change,
 * and never passes on content a fixer then rewrites). A check whose command
 * has no `{files}` reads everything, and a fix without `{files}` may write
 * anything. Tasks run in that partial order, at most `limit` at a time.
 */

/** A set of repository-relative paths, or every file. */
export type FileSet = ReadonlySet<string> | 'all';

export function overlaps(a: FileSet, b: FileSet): boolean {
  if (a === 'all') return b === 'all' || b.size > 0;
  if (b === 'all') return a.size > 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const f of small) if (big.has(f)) return true;
  return false;
}

/** The files of `a` that are also in `b`, or 'all' when both are everything. */
export function intersect(a: FileSet, b: FileSet): FileSet {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return new Set([...a].filter((f) => b.has(f)));
}

export function union(a: FileSet, b: FileSet): FileSet {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

export interface Task {
  /** Tasks that must have finished before this one starts. */
  deps: Task[];
  /** Lower starts first among the tasks ready at the same time. */
  priority: number;
  run: () => Promise<void>;
}

/**
 * Runs tasks in dependency order, at most `limit` at once. A task that throws
 * stops new starts; the first error is thrown once the running ones end.
 */
export async function runTasks(tasks: readonly Task[], limit: number): Promise<void> {
  const waiting = new Map<Task, number>(tasks.map((t) => [t, t.deps.length]));
  const dependents = new Map<Task, Task[]>();
  for (const t of tasks) for (const d of t.deps) dependents.set(d, [...(dependents.get(d) ?? []), t]);
  const ready = tasks.filter((t) => t.deps.length === 0);
  let running = 0;
  let failure: { err: unknown } | null = null;
  let done = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (done === tasks.length || (failure && running === 0)) return resolve();
      ready.sort((a, b) => a.priority - b.priority);
      while (!failure && running < Math.max(1, limit) && ready.length) {
        const t = ready.shift()!;
        running++;
        t.run().then(
          () => finish(t),
          (err) => {
            failure ??= { err };
            finish(t);
          },
        );
      }
    };
    const finish = (t: Task) => {
      running--;
      done++;
      for (const d of dependents.get(t) ?? []) {
        const n = waiting.get(d)! - 1;
        waiting.set(d, n);
        if (n === 0) ready.push(d);
      }
      pump();
    };
    pump();
  });
  if (failure) throw (failure as { err: unknown }).err;
}
