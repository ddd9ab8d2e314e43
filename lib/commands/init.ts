import { HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export async function initCommand(_f: unknown, _o: Output): Promise<number> {
  throw new HephError('usage', '`heph init` is not available yet');
}
