-- wrk script: counts every answer outside 2xx as an error (wrk itself counts 3xx as success: a
-- staff page redirecting to /connexion would pass unseen), beside the socket errors and timeouts.
-- Prints `RESULT req/s p50-ms p99-ms requests non-2xx socket-errors`.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local e = summary.errors
  io.write(string.format("RESULT %.2f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, bad,
    e.connect + e.read + e.write + e.timeout))
end
