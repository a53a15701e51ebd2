-- wrk script for bench/load/run.py (issue 23 item 5, quality.md P4).
--   wrk -t2 -c50 -d60s -s bench/load/mix.lua http://127.0.0.1:PORT -- PLAN_FILE
-- PLAN_FILE: one request per line, "cookie<TAB>path", in the population's proportions (run.py writes it).
-- Each thread walks the plan from its own offset, so the mix holds at any moment. Statuses >= 400 are
-- counted per thread (wrk itself counts only sockets errors and timeouts); done() prints one JSON line.

-- failed and answered are globals: done() reads them from each thread with thread:get().
local plan = {}
local position = 1
failed = 0
answered = 0
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\t]*)\t(.+)$")
    table.insert(plan, wrk.format("GET", path, {
      ["Cookie"] = cookie,
      ["X-Forwarded-Proto"] = "https",
      ["Accept-Encoding"] = "identity",
    }))
  end
  position = (id * 7919) % #plan + 1
end

function request()
  local r = plan[position]
  position = position % #plan + 1
  return r
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 400 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("failed")
    seen = seen + thread:get("answered")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "status_errors": %d, "answered": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, bad, seen, e.connect, e.read, e.write, e.timeout))
end
