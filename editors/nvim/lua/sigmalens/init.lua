-- sigmalens for Neovim: starts `sigmalens server --stdio` for buffers that
-- are Sigma rules and leaves other YAML alone.
--
--   require("sigmalens").setup({
--     cmd = { "sigmalens", "server", "--stdio" }, -- the server command line
--     index_path = nil,      -- corpus index, passed as `--index PATH`
--     select = {},           -- check code prefixes to run (default: all)
--     ignore = {},           -- check code prefixes to skip
--     filetypes = { "yaml" }, -- filetypes that may hold Sigma rules
--   })
--
-- `select`/`ignore` go to the server as initializationOptions and as the
-- `sigmalens` configuration section; a `.sigmalens.toml` near a rule wins.
-- Neovim 0.11+ registers the config with `vim.lsp.config` and enables it;
-- 0.8-0.10 use `vim.lsp.start`; 0.7 uses `vim.lsp.start_client`.

local M = {}

local defaults = {
  cmd = { "sigmalens", "server", "--stdio" },
  index_path = nil,
  select = {},
  ignore = {},
  filetypes = { "yaml" },
}

-- The top-level keys `sigmalens lint` uses to tell rules from other YAML.
local rule_keys = { "detection", "logsource", "correlation", "filter" }

--- Whether the buffer's text is a Sigma rule.
function M.is_sigma_rule(bufnr)
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    for _, key in ipairs(rule_keys) do
      if line:match("^" .. key .. "%s*:") then
        return true
      end
    end
  end
  return false
end

-- The server rejects unknown keys and reads empty lists as absent; an empty
-- Lua table would encode as `[]`, so start from an explicit empty object.
local function lint_settings(opts)
  local settings = vim.empty_dict()
  if #opts.select > 0 then
    settings.select = opts.select
  end
  if #opts.ignore > 0 then
    settings.ignore = opts.ignore
  end
  return settings
end

--- The LSP client configuration for the given (merged) options.
function M.client_config(opts)
  local cmd = vim.deepcopy(opts.cmd)
  if opts.index_path then
    vim.list_extend(cmd, { "--index", opts.index_path })
  end
  local settings = lint_settings(opts)
  return {
    name = "sigmalens",
    cmd = cmd,
    filetypes = opts.filetypes,
    root_dir = vim.fn.getcwd(),
    init_options = settings,
    settings = { sigmalens = settings },
  }
end

-- Neovim 0.7: one client for the session, attached buffer by buffer.
local legacy_client_id

local function attach_legacy(config, bufnr)
  if not legacy_client_id or vim.lsp.client_is_stopped(legacy_client_id) then
    legacy_client_id = vim.lsp.start_client(config)
  end
  if legacy_client_id then
    vim.lsp.buf_attach_client(bufnr, legacy_client_id)
  end
end

local function attach(config, bufnr)
  if not M.is_sigma_rule(bufnr) then
    return
  end
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
  else
    attach_legacy(config, bufnr)
  end
end

function M.setup(user_opts)
  local opts = vim.tbl_deep_extend("force", defaults, user_opts or {})
  local config = M.client_config(opts)

  if vim.lsp.config and vim.lsp.enable then
    -- The content check becomes the root test: no root, no attach.
    config.root_dir = function(bufnr, on_dir)
      if M.is_sigma_rule(bufnr) then
        on_dir(vim.fn.getcwd())
      end
    end
    vim.lsp.config("sigmalens", config)
    vim.lsp.enable("sigmalens")
    return
  end

  local group = vim.api.nvim_create_augroup("sigmalens", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      attach(config, args.buf)
    end,
  })
  -- A file that became a rule while being written attaches on save.
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = group,
    callback = function(args)
      if vim.tbl_contains(opts.filetypes, vim.bo[args.buf].filetype) then
        attach(config, args.buf)
      end
    end,
  })
end

return M
