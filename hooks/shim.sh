#!/bin/sh
# heph-shim: installed by `heph install`, removed by `heph uninstall`.
# All logic lives in heph; this only finds it. HEPH=0 skips every hook.
[ "${HEPH-}" = "0" ] && exit 0
hook="@EVENT@"
here=$(dirname "$0")
node="@NODE@"
heph="@HEPH@"

# git passes some hooks data on stdin: keep a copy for the chained hook and for heph.
stdin_copy=""
if [ "@STDIN@" = "1" ]; then
  stdin_copy=$(mktemp "${TMPDIR:-/tmp}/heph-stdin.XXXXXX") || exit 1
  trap 'rm -f "$stdin_copy"' EXIT
  cat > "$stdin_copy"
fi
run() {
  if [ -n "$stdin_copy" ]; then "$@" < "$stdin_copy"; else "$@"; fi
}

# The hook that was here before heph was installed still runs, first.
if [ -x "$here/$hook.pre-heph" ]; then
  run "$here/$hook.pre-heph" "$@" || exit $?
fi

if [ -x "$node" ] && [ -f "$heph" ]; then
  run "$node" "$heph" hook run "$hook" "$@"; exit $?
fi
if command -v heph >/dev/null 2>&1; then
  run heph hook run "$hook" "$@"; exit $?
fi
if [ -x "./node_modules/.bin/heph" ]; then
  run ./node_modules/.bin/heph hook run "$hook" "$@"; exit $?
fi
echo "heph: the $hook hook cannot find heph (installed at $heph, not on PATH)." >&2
echo "heph: reinstall the hooks with 'npx heph install' (or 'heph install'); HEPH=0 skips hooks once." >&2
exit 1
