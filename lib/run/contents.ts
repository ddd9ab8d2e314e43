/**
 * Which files a fix changed, by content, as cheaply as the file system allows.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { fsPath } from '../git/bytes.js';

interface Seen {
  digest: string | null;
  /** inode, size, mtime and ctime in ns: a rewrite changes at least one. */
  key: string;
  /** The file had not been modified for a while when it was looked at (its key can be trusted). */
  settled: boolean;
}

/** How long a file's dates must be in the past before an equal stat proves equal content. */
const SETTLE_MS = 3000;

/**
 * Which files a fix changed, by content. Before a fix, each file's content
 * digest (reused from an earlier fix of the run when its stat is unchanged:
 * fixes that share files run one after another). After, a file whose stat is
 * unchanged and whose dates were already well in the past was not rewritten
 * (a rewrite moves its mtime); any other is read again and compared, so a
 * formatter rewriting identical bytes changes nothing.
 */
export class Contents {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly root: string) {}

  /** The state of `files` before a fix. */
  async before(files: readonly string[]): Promise<Map<string, Seen>> {
    const at = Date.now();
    return this.look(files, async (f, key, settled) => {
      const prev = this.seen.get(f);
      return prev && prev.key === key ? prev : { digest: await this.digest(f), key, settled: settled(at) };
    });
  }

  /** The files whose content differs from `before`. */
  async changed(before: Map<string, Seen>): Promise<Set<string>> {
    const at = Date.now();
    const after = await this.look([...before.keys()], async (f, key, settled) => {
      const was = before.get(f)!;
      return was.key === key && was.settled ? was : { digest: await this.digest(f), key, settled: settled(at) };
    });
    const out = new Set<string>();
    for (const [f, now] of after) if (now.digest !== before.get(f)!.digest) out.add(f);
    return out;
  }

  /** After a fix that may have written anything: nothing seen before can be reused. */
  forget(): void {
    this.seen.clear();
  }

  // One synchronous loop: a few hundred lstat calls cost less on the main thread than their
  // round trips through the thread pool, and this runs between a fix's end and the next start.
  private async look(files: readonly string[], fn: (f: string, key: string, settled: (at: number) => boolean) => Promise<Seen>): Promise<Map<string, Seen>> {
    const out = new Map<string, Seen>();
    for (const f of files) {
      let st: BigIntStats | undefined;
      try {
        st = lstatSync(fsPath(join(this.root, f)), { bigint: true });
      } catch {}
      const key = st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : 'absent';
      const newest = st ? Number((st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) / 1_000_000n) : 0;
      const seen = await fn(f, key, (at) => newest < at - SETTLE_MS);
      out.set(f, seen);
      this.seen.set(f, seen);
    }
    return out;
  }

  private async digest(f: string): Promise<string | null> {
    try {
      return createHash('sha1').update(readFileSync(fsPath(join(this.root, f)))).digest('hex');
    } catch {
      return null;
    }
  }
}
