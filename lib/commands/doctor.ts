import { HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export async function doctorCommand(_o: Output): Promise<number> {
  throw new HephError('usage', '`heph doctor` is not available yet');
}
