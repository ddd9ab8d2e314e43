/** Helpers the presets share: version parsing and the platform check. */
import type { PresetCheck } from './types.js';

/**
 * The lowest version a requirement allows, as [major, minor, patch]:
 * ">=3.11", "~=3.12", ">=3.9,<4", "^20.19.0 || >=22", "20", "v20.19.1", "lts/*" (null).
 */
export function minimumVersion(spec: string | null | undefined): number[] | null {
  if (!spec) return null;
  let best: number[] | null = null;
  for (const alt of spec.split('||')) {
    // Inside one alternative every comparator must hold: the lowest allowed is the highest lower bound.
    let low: number[] | null = null;
    for (const m of alt.matchAll(/(>=|>|\^|~=|~|===|==|=|<=|<|!=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/g)) {
      const op = m[1] ?? '';
      if (op.startsWith('<') || op === '!=') continue;
      const v = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
      if (!low || compare(v, low) > 0) low = v;
    }
    if (low && (!best || compare(low, best) < 0)) best = low;
  }
  return best;
}

/** The first source that states a version requirement, with the lowest version it allows; null when none does or it names none ("lts/*"). */
export function firstVersion(sources: [label: string, spec: string | null | undefined][]): { label: string; min: number[] } | null {
  const found = sources.find(([, spec]) => spec?.trim());
  const min = found && minimumVersion(found[1]!.trim());
  return found && min ? { label: found[0], min } : null;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** AppleDouble (`._*`) and `.DS_Store` files in the index: a macOS copy leaking into the repository. */
export const macosCruft: PresetCheck = {
  name: 'macos-cruft',
  description: 'No AppleDouble (._*) or .DS_Store files tracked or staged. To drop them: git rm --cached <file>, and add them to .gitignore.',
  run: "! git ls-files -- ':(glob)**/._*' ':(glob)**/.DS_Store' | grep .",
  shell: true,
  inputs: ['._*', '.DS_Store'],
  platform: ['darwin'],
};
