/** What a preset can ask about a repository, and what it contributes to `.heph.json`. */

/** Read-only questions about the repository a preset is written for. */
export interface Probe {
  /** A file or folder exists (path relative to the repository root). */
  has(rel: string): boolean;
  /** A file's text, or null. */
  read(rel: string): string | null;
  /** Names in the repository root. */
  rootNames(): string[];
  /** An executable of this name is on PATH. */
  onPath(cmd: string): boolean;
}

export interface PresetCheck {
  name: string;
  description: string;
  run: string;
  fix?: string;
  shell?: boolean;
  files?: string[];
  inputs?: string[];
  env?: string[];
  ttl?: string;
  tags?: string[];
  platform?: string[];
  /**
   * Not written to `.heph.json`. The executables the check needs (`init`
   * says when one is missing), and how each comes: with the package manager's
   * install (a dependency), or from the system (PATH).
   */
  tools?: Tool[];
  /** Not written: a check doing the same job with tools that are installed, offered when one of `tools` is missing. */
  alternative?: PresetCheck;
}

export interface Tool {
  name: string;
  from: 'install' | 'system';
}

export type PhaseName = 'environment' | 'dependencies' | 'quality' | 'platform';

export interface PresetPart {
  preset: 'python' | 'node';
  checks: Partial<Record<PhaseName, PresetCheck[]>>;
  /** What was found and chosen, and what was left out and why: printed by `heph init`. */
  notes: string[];
}
