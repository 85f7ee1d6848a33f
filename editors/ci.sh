#!/usr/bin/env bash
# Editor and pre-commit checks, from a clean machine: installs Neovim,
# pre-commit and the extension's npm packages when missing, then type-checks,
# tests and packages the VS Code extension, runs the Neovim end-to-end test
# and the pre-commit try-repo test. Reuses the debug build `cargo test` left.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export SIGMALENS_BIN="${SIGMALENS_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/sigmalens}"
[ -x "$SIGMALENS_BIN" ] || cargo build --locked --bin sigmalens

step() { echo "== editors: $*"; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v nvim >/dev/null; then
  step "install neovim"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq neovim >/dev/null
fi
if ! python3 -m pre_commit --version >/dev/null 2>&1; then
  step "install pre-commit"
  python3 -m pip install --quiet pre-commit
fi

step "VS Code extension: npm ci, tsc --noEmit, node tests, .vsix"
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  npx --no-install tsc --noEmit
  npm test --silent
  npm run --silent package >/dev/null
  test -s sigmalens.vsix
)

step "Neovim end-to-end"
editors/nvim/test/run.sh

step "pre-commit try-repo"
editors/pre-commit/test.sh

step "all passed"
