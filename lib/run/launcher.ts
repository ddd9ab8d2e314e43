/**
 * Node turns every argv string into UTF-8, so a file name whose bytes are not
 * UTF-8 cannot reach a command through spawn's argument list. For such a
 * command line, heph runs a POSIX sh script instead, written in ASCII only,
 * that rebuilds each argument byte for byte with printf's octal escapes and
 * then execs the command: `sh -c 'set --; a=$(printf "caf\351.txt_"); set --
 * "$@" "${a%_}"; exec "$@"'`. The trailing `_` keeps a name's final newlines,
 * which command substitution would strip. Only these rare command lines pay
 * for the extra shell.
 */
import { encodeBytes, hasRawBytes } from '../git/bytes.js';

export { hasRawBytes };

/** printf format for these bytes: safe ASCII as is, everything else (quotes, `%`, `\`) as `\ooo`. */
function printfFormat(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += /[A-Za-z0-9._\/+,:=@]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '\\' + b.toString(8).padStart(3, '0');
  return out;
}

/** The argv that runs `argv` with each argument's exact bytes. */
export function byteLauncher(argv: readonly string[]): string[] {
  const lines = ['set --'];
  for (const a of argv) lines.push(`a=$(printf '${printfFormat(encodeBytes(a))}_'); set -- "$@" "\${a%_}"`);
  lines.push('exec "$@"');
  return ['sh', '-c', lines.join('\n')];
}
