/**
 * Ordering the checks of a phase so that every result describes the content
 * the phase leaves behind. Each check reads files and, when its fix may run,
 * writes files. A check that writes files another check reads or writes must
 * not overlap it in time: writers that share files run one after another in
 * the config's order, and a check that only reads runs after every writer of
 * the files it reads (a linter never sees content a fixer is about to change,
 * and never passes on content a fixer then rewrites). A check whose command
 * has no `{files}` reads its `inputs` (everything when it has none), and a fix
 * without `{files}` may write anything. Tasks run in that partial order, at most `limit` at a time.
 */

/** A set of repository-relative paths, or every file. */
export type FileSet = ReadonlySet<string> | 'all';

/** The files some globs name (a check's `inputs`): known by matching, not by listing. */
export interface Matching {
  match: (path: string) => boolean;
}

/** What a check reads: listed files, the files its inputs name, or everything. */
export type Reads = FileSet | Matching;

const isMatching = (a: Reads): a is Matching => typeof a === 'object' && 'match' in a;

export function overlaps(a: Reads, b: Reads): boolean {
  if (isMatching(a) || isMatching(b)) {
    const [m, o] = isMatching(a) ? [a, b] : [b as Matching, a];
    // Two glob sets, or globs against everything: assume they share a file.
    if (o === 'all' || isMatching(o)) return true;
    for (const f of o) if (m.match(f)) return true;
    return false;
  }
  if (a === 'all') return b === 'all' || b.size > 0;
  if (b === 'all') return a.size > 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const f of small) if (big.has(f)) return true;
  return false;
}

/** The files of `a` that are also in `b`; 'all' when that cannot be listed. */
export function intersect(a: Reads, b: FileSet): FileSet {
  if (a === 'all') return b;
  if (b === 'all') return isMatching(a) ? 'all' : a;
  const keep = isMatching(a) ? a.match : (f: string) => a.has(f);
  return new Set([...b].filter(keep));
}

export function union(a: FileSet, b: FileSet): FileSet;
export function union(a: Reads, b: Reads): Reads;
export function union(a: Reads, b: Reads): Reads {
  if (a === 'all' || b === 'all') return 'all';
  if (!isMatching(a) && !isMatching(b)) return new Set([...a, ...b]);
  const has = (x: Matching | ReadonlySet<string>) => (isMatching(x) ? x.match : (f: string) => x.has(f));
  const [ha, hb] = [has(a), has(b)];
  return { match: (f: string) => ha(f) || hb(f) };
}

export interface Task {
  /** Tasks that must have finished before this one starts. */
  deps: Task[];
  /** Lower starts first among the tasks ready at the same time; read when the task becomes ready. */
  priority: number | (() => number);
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
      const rank = (t: Task) => (typeof t.priority === 'number' ? t.priority : t.priority());
      ready.sort((a, b) => rank(a) - rank(b));
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
