-- Shared by the wrk scripts (loaded with require "common"; bench/run sets LUA_PATH to this folder).
local common = {}

-- The 16-digit Luhn-valid case reference of seeded case number n (as bench/sql/functions.sql's bench.ref).
function common.luhn_ref(n)
  local digits = string.format("%.0f", 100000000000000 + n)
  local sum = 0
  for pos = 1, #digits do
    local d = tonumber(digits:sub(pos, pos))
    if (#digits - pos) % 2 == 0 then
      d = d * 2
      if d > 9 then d = d - 9 end
    end
    sum = sum + d
  end
  return digits .. tostring((10 - sum % 10) % 10)
end

-- Paced runs (open loop): PACE_RPS set → the run offers PACE_RPS requests/s whatever the app's latency. wrk keeps
-- one Lua state per thread and calls delay() once a connection has its answer, before that connection's next
-- request; it does not say which connection asks. So each thread keeps one timetable for its connections: slots
-- a Poisson process of rate PACE_RPS / PACE_THREADS (exponential gaps), each delay() taking the next slot and
-- waiting until it (0 if it has passed). An app that answers slowly is thus offered the same rate as a fast one
-- (a closed loop, pausing after each answer, would offer it less), as long as a connection of the thread is free
-- at each slot (wrk's -c / -t of them). A slot that has passed when its connection becomes free
-- is sent at once; wrk times each request from its actual send, so that schedule lag is not in the latency: it is
-- counted apart (lag_p99_ms, lag_max_ms in the report). wrk calls delay() before each connection's first request
-- too, so every request has its slot; the timetable starts at the first call.
local pace_rps = tonumber(os.getenv("PACE_RPS") or "0")
common.paced = pace_rps > 0
local pace_threads = tonumber(os.getenv("PACE_THREADS") or "2")
local gap_ms = common.paced and pace_threads * 1000 / pace_rps or 0
local ffi = require "ffi"
ffi.cdef [[
  struct ccd_bench_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock_id, struct ccd_bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("struct ccd_bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local function gap()
  return -math.log(1 - math.random()) * gap_ms
end
local slot = nil
local started = nil
lag_ms = {}  -- lag of each late send, whole ms → how many (a global, so done() can read each thread's)
lag_max = 0
-- Second of the run (from this thread's first slot) → sends at least STALL_MS late in it, and the longest lag: when
-- in the run an app stalled (at its start, now and then, once), which the percentiles alone do not say.
local STALL_MS = 10
lag_second_count, lag_second_max = {}, {}
function common.delay()
  local now = now_ms()
  if not slot then
    -- Each thread its own random stream (the scripts may seed both threads alike): its timetable's and its requests'.
    math.randomseed(os.time() + tonumber(ts.tv_nsec))
    slot = now
    started = now
  end
  slot = slot + gap()
  if slot >= now then return math.floor(slot - now + 0.5) end
  local late = math.floor(now - slot)
  lag_ms[late] = (lag_ms[late] or 0) + 1
  if now - slot > lag_max then lag_max = now - slot end
  if now - slot >= STALL_MS then
    local second = math.floor((now - started) / 1000)
    lag_second_count[second] = (lag_second_count[second] or 0) + 1
    lag_second_max[second] = math.max(lag_second_max[second] or 0, now - slot)
  end
  return 0
end

-- Every thread, so done() can gather what each saw (each thread runs in its own Lua state).
common.threads = {}
function common.track(thread)
  table.insert(common.threads, thread)
end

-- The first few failed answers of each thread (status >= 300: wrk counts >= 400, redirects are failures here too)
-- with the start of their body, so a run with errors says what failed and why. wrk does not say which request an
-- answer is for; bench/run names the workload's request and, for submits, checks the run's cases in the database.
local kept, max_kept = 0, 3
failures = ""
local function json_text(text)
  return '"' .. text:gsub('[%c"\\\128-\255]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end
function common.response(status, headers, body)
  if status < 300 or kept >= max_kept then return end
  kept = kept + 1
  failures = failures .. (failures == "" and "" or ",") .. string.format('{"status":%d,"body":%s}',
    status, json_text((body or ""):sub(1, 300)))
end

-- One machine-readable line bench/run parses.
function common.report(summary, latency, extra)
  local seen, lags, late, lag_max_all = {}, {}, 0, 0
  local second_count, second_max = {}, {}
  for _, thread in ipairs(common.threads) do
    for second, n in pairs(thread:get("lag_second_count") or {}) do second_count[second] = (second_count[second] or 0) + n end
    for second, ms in pairs(thread:get("lag_second_max") or {}) do second_max[second] = math.max(second_max[second] or 0, ms) end
    local f = thread:get("failures")
    if f and f ~= "" then table.insert(seen, f) end
    for ms, n in pairs(thread:get("lag_ms") or {}) do lags[ms] = (lags[ms] or 0) + n; late = late + n end
    lag_max_all = math.max(lag_max_all, thread:get("lag_max") or 0)
  end
  -- The 99th percentile of the schedule lag over all paced requests (on time counts as 0), whole ms.
  local lag_p99, seen_lags, keys = 0, summary.requests - late, {}
  for ms in pairs(lags) do table.insert(keys, ms) end
  table.sort(keys)
  for _, ms in ipairs(keys) do
    if seen_lags >= 0.99 * summary.requests then break end
    seen_lags, lag_p99 = seen_lags + lags[ms], ms
  end
  if common.paced then
    -- [second of the run, sends >= STALL_MS late, longest lag in ms] for each second that had any.
    local seconds, stalls = {}, {}
    for second in pairs(second_count) do table.insert(seconds, second) end
    table.sort(seconds)
    for _, second in ipairs(seconds) do
      table.insert(stalls, string.format("[%d,%d,%.0f]", second, second_count[second], second_max[second]))
    end
    extra = string.format(',"offered_rps":%.1f,"lag_p99_ms":%d,"lag_max_ms":%.1f,"lag_seconds":[%s]', pace_rps, lag_p99, lag_max_all,
      table.concat(stalls, ",")) .. (extra or "")
  end
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"failures":[%s]' .. (extra or "") .. '}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(seen, ",")))
end

return common
