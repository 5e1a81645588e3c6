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

-- Paced runs: PACE_MS set → each connection waits an exponentially distributed pause (mean PACE_MS) before each
-- request, so 32 connections offer a Poisson-like load below saturation and latency is not queueing behind wrk.
local pace_ms = tonumber(os.getenv("PACE_MS") or "0")
function common.delay()
  if pace_ms <= 0 then return 0 end
  return math.floor(-math.log(1 - math.random()) * pace_ms)
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
  local seen = {}
  for _, thread in ipairs(common.threads) do
    local f = thread:get("failures")
    if f and f ~= "" then table.insert(seen, f) end
  end
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"failures":[%s]' .. (extra or "") .. '}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(seen, ",")))
end

return common
