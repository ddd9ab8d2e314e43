/**
 * The replay of a cached pre-commit against inputs that do not show in the
 * index: untracked content, ignored files named literally, config files,
 * ignore rules from everywhere git reads them, refs. Each test primes a
 * record, proves it replays, changes one thing and compares a run with the
 * replay on to a full run on the same state.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, fstatSync, mkdirSync, openSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { repoPool } from '../helpers/repo.js';
import { ALL, LIT, ReplayRepo, TXT } from '../helpers/replay-repo.js';

const pool = repoPool(test);
const raw = (r: ReplayRepo, name: string) => Buffer.concat([Buffer.from(r.dir + '/'), Buffer.from(name, 'latin1')]);

test('an untracked file whose content changes', () => {
  const r = pool(new ReplayRepo());
  r.write('notes.md', 'fine\n');
  r.prime();
  r.write('notes.md', 'a BAD line\n');
  r.agrees('untracked content');
});

test('an untracked file rewritten with the same size and its times put back (as tar, rsync -t, cp -p do)', () => {
  const r = pool(new ReplayRepo());
  r.write('notes.md', 'good\n');
  r.prime();
  const st = statSync(r.path('notes.md'));
  r.write('notes.md', 'BAD!\n');
  utimesSync(r.path('notes.md'), st.atime, st.mtime);
  r.agrees('same size, same mtime');
});

test('an untracked symlink retargeted to a name of the same length', () => {
  const r = pool(new ReplayRepo());
  // Targets outside the repository: only the link is an input, and `all` reads through it.
  mkdirSync(join(r.base, 'aa'));
  mkdirSync(join(r.base, 'bb'));
  writeFileSync(join(r.base, 'aa', 'x'), 'fine\n');
  writeFileSync(join(r.base, 'bb', 'x'), 'BAD\n');
  symlinkSync('../aa/x', r.path('l.md'));
  r.prime();
  rmSync(r.path('l.md'));
  symlinkSync('../bb/x', r.path('l.md'));
  r.agrees('untracked symlink retargeted');
});

test('an ignored file named literally as an input', () => {
  const r = pool(new ReplayRepo());
  r.prime();
  r.write('.env', 'BAD\n');
  r.agrees('.env edited');
});

test('a new untracked file in a directory that held only ignored files', () => {
  const r = pool(new ReplayRepo());
  r.write('logs/a.log', 'BAD\n');
  r.prime();
  r.write('logs/new.md', 'BAD\n');
  r.agrees('untracked file among ignored ones');
});

test('untracked files hidden from `git status` by the user config (status.showUntrackedFiles=no)', () => {
  const r = pool(new ReplayRepo());
  r.git('config', 'status.showUntrackedFiles', 'no');
  r.prime();
  r.write('new.md', 'BAD\n');
  r.agrees('untracked file with showUntrackedFiles=no');
});

test('an untracked file a HOME gitconfig ignored, no longer ignored', () => {
  const r = pool(new ReplayRepo());
  writeFileSync(join(r.base, 'global-ignore'), 'hidden.md\n');
  writeFileSync(join(r.base, '.gitconfig'), `[core]\n\texcludesFile = ${join(r.base, 'global-ignore')}\n`);
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(join(r.base, 'global-ignore'), '\n');
  r.agrees('global excludes file emptied');
});

test('a global excludes file that is a symlink (as dotfile managers make it), edited', () => {
  const r = pool(new ReplayRepo());
  mkdirSync(join(r.base, 'dotfiles'));
  writeFileSync(join(r.base, 'dotfiles', 'ignore'), 'hidden.md\n');
  symlinkSync('dotfiles/ignore', join(r.base, '.gitignore_global'));
  writeFileSync(join(r.base, '.gitconfig'), '[core]\n\texcludesFile = ~/.gitignore_global\n');
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(join(r.base, 'dotfiles', 'ignore'), '# nothing ignored\n');
  r.agrees('symlinked excludes file edited');
});

test('a symlinked ~/.gitconfig edited to name another excludes file', () => {
  const r = pool(new ReplayRepo());
  mkdirSync(join(r.base, 'dotfiles'));
  writeFileSync(join(r.base, 'ignore-a'), 'hidden.md\n');
  writeFileSync(join(r.base, 'ignore-b'), '\n');
  writeFileSync(join(r.base, 'dotfiles', 'gitconfig'), `[core]\n\texcludesFile = ${join(r.base, 'ignore-a')}\n`);
  symlinkSync('dotfiles/gitconfig', join(r.base, '.gitconfig'));
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(join(r.base, 'dotfiles', 'gitconfig'), `[core]\n\texcludesFile = ${join(r.base, 'ignore-b')}\n`);
  r.agrees('symlinked gitconfig edited');
});

test('the default global excludes file ($XDG_CONFIG_HOME/git/ignore), emptied', () => {
  const r = pool(new ReplayRepo());
  mkdirSync(join(r.base, '.config', 'git'), { recursive: true });
  writeFileSync(join(r.base, '.config', 'git', 'ignore'), 'hidden.md\n');
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(join(r.base, '.config', 'git', 'ignore'), '\n');
  r.agrees('default excludes file emptied');
});

test('a system config named by GIT_CONFIG_SYSTEM, edited to ignore nothing', () => {
  const r = pool(new ReplayRepo());
  const system = join(r.base, 'system-gitconfig');
  writeFileSync(join(r.base, 'sys-ignore'), 'hidden.md\n');
  writeFileSync(system, `[core]\n\texcludesFile = ${join(r.base, 'sys-ignore')}\n`);
  r.hookEnv = { ...r.hookEnv, GIT_CONFIG_NOSYSTEM: undefined, GIT_CONFIG_SYSTEM: system };
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(system, '\n');
  r.agrees('system config edited');
});

test('ignore rules from a config include file', () => {
  const r = pool(new ReplayRepo());
  writeFileSync(join(r.base, 'ex'), 'hidden.md\n');
  writeFileSync(join(r.base, 'inc'), `[core]\n\texcludesFile = ${join(r.base, 'ex')}\n`);
  r.git('config', 'include.path', join(r.base, 'inc'));
  r.write('hidden.md', 'BAD\n');
  r.prime();
  writeFileSync(join(r.base, 'inc'), '\n');
  r.agrees('included config no longer ignores');
});

test('.gitignore edited in place (same size) un-ignores a file', () => {
  const r = pool(new ReplayRepo());
  r.write('x.log', 'BAD\n');
  r.prime();
  const st = statSync(r.path('.gitignore'));
  r.write('.gitignore', '*.loq\n.env\nnode_modules/\n');
  utimesSync(r.path('.gitignore'), st.atime, st.mtime);
  r.agrees('.gitignore edited');
});

test('a new untracked file below a tracked directory that also holds a repository (a vendored clone)', () => {
  const r = pool(new ReplayRepo());
  r.write('vendor/lib/a.md', 'fine\n').commitAll();
  // Its files are tracked here, so git still lists untracked files in it.
  r.git('init', '-q', 'vendor');
  r.prime();
  r.write('vendor/lib/new.md', 'BAD\n');
  r.agrees('untracked file below a directory holding .git');
});

test('a submodule: files created in its working tree are not listed by the superproject', () => {
  const r = pool(new ReplayRepo());
  const src = pool(new ReplayRepo());
  r.gitResult(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', src.dir, 'sub']);
  r.commitAll('sub');
  r.prime();
  r.write('sub/deep/new.md', 'BAD\n');
  r.agrees('file created inside a submodule');
});

test('two untracked names that are not UTF-8 and decode alike', () => {
  const r = pool(new ReplayRepo());
  writeFileSync(raw(r, 'r\xff.md'), 'fine\n');
  r.prime();
  rmSync(raw(r, 'r\xff.md'));
  writeFileSync(raw(r, 'r\xfe.md'), 'fine\n');
  r.agrees('non-UTF-8 rename');
});

test('untracked names with a newline and a leading dash', () => {
  const r = pool(new ReplayRepo());
  r.write('-n\nx.md', 'fine\n');
  r.prime();
  rmSync(r.path('-n\nx.md'));
  r.write('-n\ny.md', 'fine\n');
  r.agrees('odd-name rename');
});

test('an extends file with unstaged changes (the full run warns that the staged version is used)', () => {
  const r = pool(new ReplayRepo([TXT]));
  writeFileSync(r.path('base.json'), JSON.stringify({ phases: [{ name: 'q', checks: [LIT] }] }));
  r.config({ extends: ['./base.json'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  r.prime();
  writeFileSync(r.path('base.json'), JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, run: 'false' }] }] }));
  r.agrees('unstaged extends file');
});

test('an extends package in node_modules (ignored) edited', () => {
  const r = pool(new ReplayRepo([TXT]));
  const pkg = r.path('node_modules/@acme/heph-config');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/heph-config', version: '1.0.0', main: 'heph.json' }));
  writeFileSync(join(pkg, 'heph.json'), JSON.stringify({ phases: [{ name: 'q', checks: [LIT] }] }));
  r.config({ extends: ['@acme/heph-config'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  // Declining to record a config read from a package is right too.
  if (!r.tryPrime()) return;
  writeFileSync(join(pkg, 'heph.json'), JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'added', run: 'false' }] }] }));
  r.agrees('package config edited');
});

test('an extends module that requires another file, which is edited', () => {
  const r = pool(new ReplayRepo([TXT]));
  r.write('heph.config.cjs', 'module.exports = require("./parts.cjs");\n');
  r.write('parts.cjs', `module.exports = ${JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part' }] }] })};\n`);
  r.config({ extends: ['./heph.config.cjs'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  // Declining to record a config a module computes is right too.
  r.tryPrime();
  // Unstaged: the module itself is unchanged, what it loads is not.
  r.write('parts.cjs', `module.exports = ${JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part', run: 'false' }] }] })};\n`);
  r.agrees('a file an extends module requires');
});

test('an extends file that is a symlink, retargeted', () => {
  const r = pool(new ReplayRepo([TXT]));
  r.write('good.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part' }] }] }));
  r.write('bad.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part', run: 'false' }] }] }));
  symlinkSync('good.json', r.path('base.json'));
  r.config({ extends: ['./base.json'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  r.prime();
  rmSync(r.path('base.json'));
  symlinkSync('bad.json', r.path('base.json'));
  r.agrees('extends symlink retargeted');
});

test('an extends file reached through a symlinked directory, retargeted', () => {
  const r = pool(new ReplayRepo([TXT]));
  r.write('conf-a/base.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part' }] }] }));
  r.write('conf-b/base.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'part', run: 'false' }] }] }));
  symlinkSync('conf-a', r.path('conf'));
  r.config({ extends: ['./conf/base.json'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  r.prime();
  rmSync(r.path('conf'));
  symlinkSync('conf-b', r.path('conf'));
  r.agrees('directory symlink retargeted');
});

test('.heph.json with unstaged changes, and .heph.json gone from disk', () => {
  const r = pool(new ReplayRepo());
  r.prime();
  r.write('.heph.json', r.read('.heph.json').replace('"txt"', '"txt2"'));
  r.agrees('unstaged .heph.json');
  r.git('checkout', '--', '.heph.json');
  r.prime();
  rmSync(r.path('.heph.json'));
  r.agrees('.heph.json deleted from disk');
});

test('HEAD names another branch with the same index; the branch moves in packed-refs only', () => {
  const r = pool(new ReplayRepo());
  r.write('b.txt', 'fine\n').commitAll('second');
  r.write('c.txt', 'fine\n').commitAll('third');
  r.write('b.txt', 'changed\n').git('add', 'b.txt');
  r.git('pack-refs', '--all');
  r.prime();
  // The branch moves back one commit, and is packed again: no loose ref file ever shows it.
  r.git('update-ref', 'refs/heads/main', 'HEAD~1');
  r.git('pack-refs', '--all');
  r.agrees('packed ref moved');
  r.prime();
  r.git('branch', 'other', 'HEAD~1');
  r.git('symbolic-ref', 'HEAD', 'refs/heads/other');
  r.agrees('HEAD names another branch');
});

test('an index written without a checksum (index.skipHash, which feature.manyFiles sets in git 2.40+)', () => {
  const r = pool(new ReplayRepo([TXT]));
  // git 2.40+ writes zeros where the checksum goes; git before 2.40 reads such an index without complaint.
  const skipHash = () => {
    const fd = openSync(r.path('.git/index'), 'r+');
    writeSync(fd, Buffer.alloc(20), 0, 20, fstatSync(fd).size - 20);
    closeSync(fd);
  };
  r.write('a.txt', 'good\n').git('add', 'a.txt');
  skipHash();
  // Not recording such an index at all is right too.
  r.tryPrime();
  // Staged again with the same size: the index keeps its size and its last bytes.
  r.write('a.txt', 'BAD!\n').git('add', 'a.txt');
  skipHash();
  r.agrees('same-size staged change in an index without checksum');
});

test('GIT_INDEX_FILE names another index, as `git commit -a` does', () => {
  const r = pool(new ReplayRepo());
  r.prime();
  const alt = join(r.base, 'alt-index');
  writeFileSync(alt, Buffer.alloc(0));
  rmSync(alt);
  r.gitResult(['read-tree', 'HEAD'], { env: { GIT_INDEX_FILE: alt } });
  r.write('a.txt', 'BAD\n');
  r.gitResult(['add', 'a.txt'], { env: { GIT_INDEX_FILE: alt } });
  r.agrees('another index', { GIT_INDEX_FILE: alt });
});

test('HEPH=0, a check skipped by HEPH_SKIP, and a declared env var', () => {
  const r = pool(new ReplayRepo([TXT, { ...LIT, env: ['MODE'] }]));
  r.prime();
  r.agrees('HEPH=0', { HEPH: '0' });
  r.agrees('HEPH_SKIP', { HEPH_SKIP: 'lit' });
  r.agrees('MODE', { MODE: 'x' });
});

test('HEPH_REPLAY=false, off or no turns replays off, as HEPH_REPLAY=0 does (as any HEPH_ flag reads them)', () => {
  for (const v of ['0', 'false', 'off', 'no']) {
    const r = pool(new ReplayRepo([TXT, LIT]));
    assert.not.ok(r.tryPrime({ HEPH_REPLAY: v }, undefined, 4), `HEPH_REPLAY=${v} replayed`);
  }
});

test('a repository with members: an untracked file in a member, a member config edited but not staged', () => {
  const r = pool(new ReplayRepo([TXT]));
  const web = { phases: [{ name: 'q', checks: [{ ...ALL, name: 'web' }] }] };
  r.write('packages/web/.heph.json', JSON.stringify(web)).write('packages/web/a.md', 'fine\n').commitAll();
  r.write('packages/web/a.md', 'fine too\n').git('add', 'packages/web/a.md');
  r.prime();
  r.write('packages/web/deep/new.md', 'BAD\n');
  r.agrees('untracked file in a member');
  rmSync(r.path('packages/web/deep'), { recursive: true });
  r.prime();
  r.write('packages/web/.heph.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...ALL, name: 'web', run: 'false' }] }] }));
  r.agrees('member config edited, not staged');
});

test('an extends file and a member config with unstaged changes when recorded, reverted since', () => {
  const r = pool(new ReplayRepo([TXT]));
  writeFileSync(r.path('base.json'), JSON.stringify({ phases: [{ name: 'q', checks: [LIT] }] }));
  const web = { phases: [{ name: 'q', checks: [{ ...LIT, name: 'web' }] }] };
  r.write('packages/web/.heph.json', JSON.stringify(web));
  r.config({ extends: ['./base.json'], phases: [{ name: 'q', checks: [TXT] }] }).commitAll();
  // Unstaged edits the commit does not record: the run says so, and the record holds that line.
  writeFileSync(r.path('base.json'), JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, run: 'false' }] }] }));
  r.write('packages/web/.heph.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ ...LIT, name: 'web', run: 'false' }] }] }));
  r.prime();
  // Written back in place (as an editor does): no name is added or removed anywhere.
  writeFileSync(r.path('base.json'), JSON.stringify({ phases: [{ name: 'q', checks: [LIT] }] }));
  r.write('packages/web/.heph.json', JSON.stringify(web));
  r.agrees('unstaged config edits reverted');
});

test.run();
