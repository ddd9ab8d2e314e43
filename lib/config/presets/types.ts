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
}

export type PhaseName = 'environment' | 'dependencies' | 'quality' | 'platform';

export interface PresetPart {
  preset: 'python' | 'node';
  checks: Partial<Record<PhaseName, PresetCheck[]>>;
  /** What was found and chosen, and what was left out and why: printed by `heph init`. */
  notes: string[];
}
