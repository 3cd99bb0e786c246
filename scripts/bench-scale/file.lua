-- wrk script: files prepared drafts, each once.
--   wrk … -s scripts/bench-scale/file.lua URL -- FILE THREADS
-- FILE holds one filing request a line (`path<TAB>cookie<TAB>csrf`, written by drafts.py); each of
-- the THREADS wrk threads takes every THREADS-th line and posts them in turn, each with its owner's
-- session cookie and CSRF token. A filing answers 303 to the dossier's receipt: any other answer
-- counts as an error. Requests beyond a thread's share post an already filed dossier again
-- (Guichet files it once and answers with the receipt): they are counted as `repeats`, and the
-- caller prepares more drafts and measures again.
-- Prints `RESULT req/s p50-ms p99-ms requests errors socket-errors repeats distinct-sent`, where
-- distinct-sent counts the distinct drafts whose filing was sent (answered or still in flight
-- when wrk stopped): the number of dossiers filed lies between requests - repeats and it.
local threads = {}
local count = 0

function setup(thread)
  thread:set("index", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  filings = {}
  bad = 0
  generated = 0
  local line = 0
  for entry in io.lines(args[1]) do
    if line % tonumber(args[2]) == index then
      local path, cookie, csrf = entry:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
      if not path then error("malformed line " .. (line + 1) .. " in " .. args[1]) end
      table.insert(filings, wrk.format("POST", path, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, "_csrf=" .. csrf))
    end
    line = line + 1
  end
  if #filings == 0 then error("no prepared filing for wrk thread " .. index) end
  share = #filings
end

function request()
  generated = generated + 1
  return filings[(generated - 1) % share + 1]
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 303 or not location:match("/recepisse$") then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors, repeats, distinct = 0, 0, 0
  for _, thread in ipairs(threads) do
    local made, share = thread:get("generated"), thread:get("share")
    errors = errors + thread:get("bad")
    repeats = repeats + math.max(0, made - share)
    distinct = distinct + math.min(made, share)
  end
  local e = summary.errors
  io.write(string.format("RESULT %.2f %.2f %.2f %d %d %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, errors,
    e.connect + e.read + e.write + e.timeout, repeats, distinct))
end
