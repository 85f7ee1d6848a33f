#!/usr/bin/env bash
# Regenerates completion.txt and hover.txt: a real Neovim with the plugin,
# in a detached tmux session, captured with `tmux capture-pane`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${SIGMALENS_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/sigmalens}"
work="$(mktemp -d)"
session="sigmalens-screenshots-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

cat >"$work/init.lua" <<LUA
vim.opt.rtp:prepend("$root/editors/nvim")
vim.o.swapfile = false
vim.o.completeopt = "menuone,noinsert"
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(vim.lsp.handlers.hover, { border = "single" })
require("sigmalens").setup({ cmd = { "$bin", "server", "--stdio" } })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "yaml",
  callback = function(args) vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc" end,
})
LUA
cp "$root/editors/fixtures/bad_rule.yml" "$work/certutil_download.yml"

# Starts Neovim on the rule, sends keys, waits, captures the screen to $1.
capture() {
  local out="$1"
  shift
  tmux new-session -d -s "$session" -x 100 -y 26 -c "$work" "nvim --clean -u init.lua certutil_download.yml"
  sleep 3 # server start and first diagnostics
  tmux send-keys -t "$session" "$@"
  sleep 1.5
  tmux capture-pane -p -t "$session" >"$here/$out"
  tmux kill-session -t "$session"
}

# Hover on the `endswith` modifier of line 15.
capture hover.txt '15G0f|l:lua vim.lsp.buf.hover()' Enter
# Delete the misspelt modifier on line 16 and ask for completion (omnifunc).
capture completion.txt '16G0f|ldwi' C-x C-o
