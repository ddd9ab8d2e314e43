import { HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export async function hookCommand(_a: string, _e: string, _args: string[], _f: unknown, _o: Output): Promise<number> {
  throw new HephError('usage', '`heph hook` is not available yet');
}
