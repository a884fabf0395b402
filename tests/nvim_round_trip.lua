-- Neovim's built-in LSP client against `autofix server`, headless: a quick fix (after refusing a
-- stale one), then the fix-all.  Run by tests/test_server_neovim.py, which reads the JSON it writes.
local out = os.getenv("AUTOFIX_NVIM_OUT")
local result = { steps = {} }

local function codes(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, d.code)
  end
  table.sort(found)
  return found
end

local function has(list, code)
  return vim.tbl_contains(list, code)
end

local function request_actions(buf, line, only)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line, character = 0 }, ["end"] = { line = line, character = 0 } },
    context = { diagnostics = {}, only = only },
  }
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 60000) or {}
  local actions = {}
  for _, answer in pairs(answers) do
    for _, action in ipairs(answer.result or {}) do
      table.insert(actions, action)
    end
  end
  return actions
end

local function preferred(buf, line)
  for _, action in ipairs(request_actions(buf, line, nil)) do
    if action.isPreferred then return action end
  end
  error("no preferred quick fix on line " .. line)
end

local function lines(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
end

local function run()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("AUTOFIX_NVIM_FILE")))
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = "autofix",
    cmd = vim.fn.json_decode(os.getenv("AUTOFIX_NVIM_CMD")),
    root_dir = vim.fn.getcwd(),
  })
  vim.lsp.buf_attach_client(buf, client)
  assert(vim.wait(120000, function() return #vim.diagnostic.get(buf) > 0 end, 50), "no diagnostics")
  result.before = codes(buf)

  local function sc002_at(line)
    return vim.wait(60000, function()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.code == "SC002" and d.lnum == line then return true end
      end
      return false
    end, 50)
  end
  local target
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "SC002" then target = d end
  end
  assert(target, "no SC002 diagnostic")

  -- Neovim 0.7 opens a document as version 0, which it never checks: edit once first
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "# edited in Neovim" })
  assert(sc002_at(target.lnum + 1), "diagnostics did not follow the first edit")
  local stale = preferred(buf, target.lnum + 1)

  -- the buffer moves on (and the client has sent the change): the edit computed for the old
  -- version must be refused
  local stale_version = stale.edit.documentChanges[1].textDocument.version
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "# and again" })
  assert(vim.wait(10000, function() return (vim.lsp.util.buf_versions[buf] or 0) > stale_version end, 20),
         "the change was not sent")
  vim.lsp.util.apply_workspace_edit(stale.edit, "utf-16")
  result.after_stale = lines(buf)
  assert(sc002_at(target.lnum + 2), "diagnostics did not follow the second edit")

  local fresh = preferred(buf, target.lnum + 2)
  result.quick_fix_title = fresh.title
  vim.lsp.util.apply_workspace_edit(fresh.edit, "utf-16")
  assert(vim.wait(60000, function() return not has(codes(buf), "SC002") end, 50), "SC002 still reported")
  result.after_quick_fix = codes(buf)

  local fix_all = request_actions(buf, 0, { "source.fixAll" })
  assert(#fix_all == 1, "expected one fix-all action")
  result.fix_all_title = fix_all[1].title
  vim.lsp.util.apply_workspace_edit(fix_all[1].edit, "utf-16")
  assert(vim.wait(60000, function() return #vim.diagnostic.get(buf) == 0 end, 50), "findings left after fix-all")
  result.text = lines(buf)

  vim.lsp.stop_client(client)
  vim.wait(10000, function() return vim.lsp.get_client_by_id(client) == nil end, 50)
end

local ok, err = pcall(run)
result.ok = ok
result.error = ok and vim.NIL or tostring(err)
local handle = io.open(out, "w")
handle:write(vim.fn.json_encode(result))
handle:close()
vim.cmd("qa!")
