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

-- One machine-readable line bench/run parses.
function common.report(summary, latency, extra)
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f' .. (extra or "") .. '}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end

return common
