/**
 * How a path enters a digest (fingerprints, input lists, certifications).
 */
import { encodeBytes, hasRawBytes } from '../git/bytes.js';

/**
 * A path as hashed. Hashing a string encodes it as UTF-8, which turns every
 * byte a name carries that is not UTF-8 (git/bytes.ts) into the same U+FFFD:
 * two such names would share a key. Those names (and, to stay one-to-one, any
 * starting with \x01) are hashed as \x01 and their bytes in hex.
 */
export const keyPath = (p: string): string => (hasRawBytes(p) || p.startsWith('\x01') ? `\x01${encodeBytes(p).toString('hex')}` : p);
