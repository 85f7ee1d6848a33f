-- Headless end-to-end test: the plugin attaches to a Sigma rule (and not to
-- other YAML), the server publishes diagnostics and answers completion and
-- hover. Run by test/run.sh; exits non-zero on any failure.
-- Environment: SIGMALENS_BIN (the server), SIGMALENS_FIXTURES (rule folder).

local TIMEOUT_MS = 10000

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function check(condition, message)
  if not condition then
    error(message, 0)
  end
end

local function clients_of(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

-- Diagnostic codes: `code` since 0.8, `user_data.lsp.code` before.
local function diagnostic_code(diagnostic)
  return diagnostic.code or (diagnostic.user_data and diagnostic.user_data.lsp.code)
end

-- One request to the buffer's server; the result, or nil.
local function request(bufnr, method, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT_MS) or {}
  for _, response in pairs(responses) do
    check(not response.err, method .. " failed: " .. vim.inspect(response.err))
    if response.result then
      return response.result
    end
  end
  return nil
end

local function open(name)
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SIGMALENS_FIXTURES") .. "/" .. name))
  return vim.api.nvim_get_current_buf()
end

local function run()
  require("sigmalens").setup({
    cmd = { os.getenv("SIGMALENS_BIN"), "server", "--stdio" },
    ignore = { "SL502" },
  })

  local other = open("not_sigma.yml")
  check(vim.bo[other].filetype == "yaml", "filetype detection is off")

  local rule = open("bad_rule.yml")
  check(
    vim.wait(TIMEOUT_MS, function()
      return #vim.diagnostic.get(rule) > 0
    end, 50),
    "no diagnostics within " .. TIMEOUT_MS .. " ms"
  )
  local codes = vim.tbl_map(diagnostic_code, vim.diagnostic.get(rule))
  table.sort(codes)
  check(vim.deep_equal(codes, { "SL501", "SL601" }), "diagnostics (SL502 ignored): " .. vim.inspect(codes))
  check(#clients_of(other) == 0, "the server attached to YAML that is not a Sigma rule")

  -- After `CommandLine|` on line 16: the modifiers.
  local completion = request(rule, "textDocument/completion", 15, 20)
  check(completion ~= nil, "no completion from the server")
  local labels = vim.tbl_map(function(item)
    return item.label
  end, completion.items or completion)
  check(vim.tbl_contains(labels, "contains"), "completion lacks `contains`: " .. vim.inspect(labels))

  -- On the field `Image` on line 15.
  local hover = request(rule, "textDocument/hover", 14, 10)
  check(hover ~= nil, "no hover from the server")
  check(hover.contents.value:find("**Image**", 1, true), "hover: " .. vim.inspect(hover))

  io.stdout:write(string.format("ok: %d diagnostics, %d completions, hover on Image\n", #codes, #labels))
end

local ok, message = pcall(run)
if not ok then
  fail(tostring(message))
end
vim.cmd("qall!")
