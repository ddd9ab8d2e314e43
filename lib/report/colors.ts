/**
 * ANSI colors for human output. Colors are used only on a terminal, never with
 * NO_COLOR (FORCE_COLOR forces them). A dozen lines here spare loading a color
 * library on every hook run.
 */
let enabled = false;

export function setColor(on: boolean): void {
  enabled = on;
}

export function colorFor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && process.env.TERM !== 'dumb';
}

const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export const colors = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};
