/** The line every installed hook runs is read without the command table: it must mean what the table makes of it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandTable, plainHookRun } from '../../lib/main.js';

const HOOK_LINES = [
  ['hook', 'run', 'pre-commit'],
  ['hook', 'run', 'commit-msg', '.git/COMMIT_EDITMSG'],
  ['hook', 'run', 'pre-push', 'origin', 'git@example.com:a/b.git'],
  ['hook', 'run', 'post-checkout', '0000000000000000000000000000000000000000', 'abc123', '1'],
  ['hook', 'run', 'post-checkout', 'a', 'b', '0'],
  ['hook', 'run', 'post-rewrite', 'amend'],
  ['hook', 'run', 'pre-push', 'my remote', 'file:///tmp/a b/c=d'],
  ['hook', 'run', 'pre-push', '', ''],
  ['hook', 'run', 'pre-push', '1e3', '0x10', '007', 'NaN', 'true'],
  ['hook', 'run', 'no-such-event', 'x'],
  ['hook', 'run', 'commit-msg', 'naïve ✔ name'],
];

for (const argv of HOOK_LINES) {
  test(`${JSON.stringify(argv)}: the same event, arguments and flags as the command table`, () => {
    const fast = plainHookRun(argv);
    assert.ok(fast, 'read without the table');
    const cli = commandTable(() => {});
    const parsed = cli.parse(['node', 'heph', ...argv], { run: false });
    assert.is(cli.matchedCommand?.name, 'hook');
    assert.equal(parsed.args, ['run', fast!.event, ...fast!.args]);
    assert.equal(parsed.options, fast!.flags);
  });
}

test('anything with an option, another command or a missing event goes through the table', () => {
  for (const argv of [
    ['hook', 'run', 'pre-commit', '--fast'],
    ['hook', 'run', 'pre-commit', '--no-fix'],
    ['hook', 'run', '--json', 'pre-commit'],
    ['hook', 'run', 'pre-push', 'origin', '-'],
    ['hook', 'run', 'pre-commit', '--'],
    ['hook', 'run', 'pre-commit', '-h'],
    ['hook', 'run'],
    ['hook', 'install', 'pre-commit'],
    ['run', 'hook', 'run'],
    [],
  ]) {
    assert.is(plainHookRun(argv), null, JSON.stringify(argv));
  }
});

test.run();
