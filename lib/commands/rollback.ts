import { HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export async function rollbackCommand(_o: Output): Promise<number> {
  throw new HephError('usage', '`heph rollback` is not available yet');
}
