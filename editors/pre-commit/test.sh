#!/usr/bin/env bash
# Runs this repository's pre-commit hook with `pre-commit try-repo` on a temp
# git repository of fixture rules: a good rule passes, a bad rule fails.
# Uses the `sigmalens-lint-system` hook with the debug build on PATH (the
# `language: rust` hook would compile a release build first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${SIGMALENS_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/sigmalens}"
[ -x "$bin" ] || { echo "no server binary at $bin" >&2; exit 2; }
python3 -m pre_commit --version >/dev/null 2>&1 || { echo "pre-commit is required (pip install pre-commit)" >&2; exit 2; }
# try-repo commits in a scratch clone: a fresh CI machine has no git identity.
export GIT_AUTHOR_NAME=sigmalens-ci GIT_AUTHOR_EMAIL=ci@localhost
export GIT_COMMITTER_NAME=sigmalens-ci GIT_COMMITTER_EMAIL=ci@localhost
export PATH="$(dirname "$bin"):$PATH"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
repo="$work/rules"
git init -q "$repo"
cp "$root/editors/fixtures/good_rule.yml" "$root/editors/fixtures/not_sigma.yml" "$repo/"
git -C "$repo" add .

try_hook() {
  (cd "$repo" && python3 -m pre_commit try-repo "$root" sigmalens-lint-system --all-files) >"$work/out" 2>&1
}

if ! try_hook; then
  cat "$work/out" >&2
  echo "FAIL: the hook rejected a good rule" >&2
  exit 1
fi
cp "$root/editors/fixtures/bad_rule.yml" "$repo/"
git -C "$repo" add bad_rule.yml
if try_hook; then
  cat "$work/out" >&2
  echo "FAIL: the hook accepted a bad rule" >&2
  exit 1
fi
grep -q "SL501" "$work/out" || { cat "$work/out" >&2; echo "FAIL: no SL501 in the hook output" >&2; exit 1; }
echo "ok: pre-commit hook passes the good rule and fails the bad one"
