#!/usr/bin/env bash
# Runs the headless Neovim end-to-end test against the debug server build.
# SIGMALENS_BIN overrides the binary (default: $CARGO_TARGET_DIR or target).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
export SIGMALENS_BIN="${SIGMALENS_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/sigmalens}"
export SIGMALENS_FIXTURES="$root/editors/fixtures"
[ -x "$SIGMALENS_BIN" ] || { echo "no server binary at $SIGMALENS_BIN" >&2; exit 2; }
# --clean: no user config, but filetype detection stays on.
exec timeout 60 nvim --headless --clean --cmd "set rtp^=$root/editors/nvim" -S "$here/e2e.lua"
