/**
 * Hook managers whose hooks are shell scripts: husky (`.husky/<event>`) and
 * simple-git-hooks (package.json "simple-git-hooks" or its own file). Each
 * command line becomes a check; a line running lint-staged brings in the
 * lint-staged configuration instead; a script with control flow stays whole.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { needsShell, toolName } from './commands.js';
import { migrateLintStaged } from './lintstaged.js';
import { SGH_FILES } from './detect.js';
import { firstExisting, packageJson, readData, readText } from './read.js';
import { addCheck, EVENTS, skipEvent, type Event, type Migration } from './result.js';

const LINT_STAGED = /^(npx|pnpm( exec)?|pnpx|yarn|bunx|npm exec|npm run)?\s*(--no(-install)?\s+)?(--\s+)?lint-staged(\s|$)/;
/** Lines that only set husky up (v4–v8), never a check. */
const BOILERPLATE = /^(#|\.\s+"?\$\(dirname|\.\s+.*husky\.sh|export\s+|set\s+-[eux]+$)/;
const CONTROL = /^(if|then|else|elif|fi|for|while|until|do|done|case|esac|function)\b|\)\s*\{|\\$|<</m;

function convertScript(root: string, m: Migration, event: string, body: string, where: string) {
  if (!(EVENTS as readonly string[]).includes(event)) {
    m.skipped.push({ what: `${where} (${event})`, why: skipEvent(event) });
    return;
  }
  const ev = event as Event;
  // commit-msg scripts read the message file as $1; heph passes it as HEPH_MSGFILE.
  const msg = (s: string) => (ev === 'commit-msg' ? s.replace(/\$\{1\}|\$1\b|"\$1"/g, '"$HEPH_MSGFILE"') : s);
  const lines = body.split('\n').map((l) => l.trim()).filter((l) => l && !BOILERPLATE.test(l) && !l.startsWith('#!'));
  if (lines.some((l) => CONTROL.test(l))) {
    addCheck(m, ev, { name: event.replace('pre-', '') + '-script', run: msg(lines.join('\n')), shell: true }, `${where}: the whole script (it has control flow)`);
    return;
  }
  for (const line of lines) {
    if (LINT_STAGED.test(line)) {
      if (!migrateLintStaged(root, m, where)) m.skipped.push({ what: `${where}: ${line}`, why: 'no lint-staged configuration found' });
      continue;
    }
    const run = msg(line);
    addCheck(m, ev, { name: toolName(line), run, ...(needsShell(run) ? { shell: true } : {}) }, `${where}: ${line}`);
  }
}

export function migrateHusky(root: string, m: Migration): boolean {
  const dir = join(root, '.husky');
  const husky4 = packageJson(root)?.husky?.hooks;
  if (!existsSync(dir) && !husky4) return false;
  if (husky4) {
    m.sources.push('package.json ("husky")');
    for (const [event, cmd] of Object.entries(husky4)) convertScript(root, m, event, String(cmd).replace(/HUSKY_GIT_PARAMS/g, '1'), `package.json husky.hooks.${event}`);
  }
  if (existsSync(dir)) {
    for (const event of readdirSync(dir).sort()) {
      if (event.startsWith('_') || event.startsWith('.')) continue;
      const body = readText(root, `.husky/${event}`);
      if (body === null) continue;
      m.sources.push(`.husky/${event}`);
      convertScript(root, m, event, body, `.husky/${event}`);
    }
  }
  m.removal.push('npm uninstall husky; remove the "prepare": "husky" script from package.json', 'git config --unset core.hooksPath (husky pointed it at .husky/_), then delete .husky/');
  return true;
}

export function migrateSimpleGitHooks(root: string, m: Migration): boolean {
  const inPkg = packageJson(root)?.['simple-git-hooks'];
  const file = inPkg ? null : firstExisting(root, SGH_FILES);
  if (!inPkg && !file) return false;
  const config = inPkg ?? readData(root, file!);
  const where = file ?? 'package.json "simple-git-hooks"';
  m.sources.push(file ?? 'package.json ("simple-git-hooks")');
  for (const [event, cmd] of Object.entries(config ?? {})) {
    if (event === 'preserveUnused') continue;
    convertScript(root, m, event, String(cmd), `${where}.${event}`);
  }
  m.removal.push(
    file ? `delete ${file}` : 'remove the "simple-git-hooks" key from package.json',
    'npm uninstall simple-git-hooks (its hooks in .git/hooks stay until replaced: heph install takes over)',
  );
  return true;
}
