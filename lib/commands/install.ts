import { HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export async function installCommand(_f: unknown, _o: Output): Promise<number> {
  throw new HephError('usage', '`heph install` is not available yet');
}

export async function uninstallCommand(_o: Output): Promise<number> {
  throw new HephError('usage', '`heph uninstall` is not available yet');
}
