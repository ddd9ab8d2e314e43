/**
 * File names are bytes. Git hands heph names that need not be UTF-8
 * (`caf\xe9.txt` from a Latin-1 system); decoding them as UTF-8 would turn
 * them into names that do not exist. So names are decoded losslessly: valid
 * UTF-8 as usual, and each byte that is not part of valid UTF-8 as the lone
 * surrogate U+DC80..U+DCFF (the "surrogateescape" scheme), which valid text
 * never contains. Globs match such strings as they match any other; the
 * exact bytes are recovered wherever a name leaves heph (a file system call,
 * git's stdin, a check's argv).
 */
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A byte that was not valid UTF-8: a low surrogate in U+DC80..U+DCFF without its high half. */
const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

function decodeSlow(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n && i + n <= b.length) {
      try {
        out += strict.decode(b.subarray(i, i + n)); // rejects overlong forms and surrogates
        i += n;
        continue;
      } catch {
        /* not a valid sequence: escape the lead byte alone */
      }
    }
    out += String.fromCharCode(0xdc00 + c);
    i++;
  }
  return out;
}

/**
 * Decodes git output (names, NUL-separated lists) without losing a byte. The
 * fast decoder's replacement character marks where bytes were not UTF-8; only
 * the NUL-separated fields holding one are decoded again, byte by byte.
 */
export function decodeBytes(b: Uint8Array): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const fast = buf.toString('utf8');
  if (!fast.includes('\uFFFD')) return fast;
  // A NUL byte is never part of a bad sequence, so the text's fields are the bytes' fields.
  const fields = fast.split('\0');
  for (let i = 0, start = 0; i < fields.length; i++) {
    let end = buf.indexOf(0, start);
    if (end < 0) end = buf.length;
    if (fields[i].includes('\uFFFD')) fields[i] = decodeSlow(buf.subarray(start, end));
    start = end + 1;
  }
  return fields.join('\0');
}

/** Whether a decoded name holds bytes that are not UTF-8. */
export const hasRawBytes = (s: string): boolean => ESCAPED.test(s);

/** The exact bytes of a name decoded by `decodeBytes`. */
export function encodeBytes(s: string): Buffer {
  if (!hasRawBytes(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0xdc80 || u > 0xdcff || (i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff)) continue;
    parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.from([u - 0xdc00]));
    start = i + 1;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** A path for node's fs calls: the string itself, or its exact bytes when it holds some that are not UTF-8. */
export const fsPath = (p: string): string | Buffer => (hasRawBytes(p) ? encodeBytes(p) : p);
