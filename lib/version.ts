import { createRequire } from 'node:module';

declare const __HEPH_VERSION__: string | undefined;

/** heph's version: inlined by the bundler, read from package.json when running from source. */
export const VERSION: string =
  typeof __HEPH_VERSION__ === 'string' ? __HEPH_VERSION__ : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
