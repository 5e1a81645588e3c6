-- P2: reads as CCD makes them. READ_KIND=case: GET /ccd-persistence/cases?case-refs=<one ref> on random cases;
-- READ_KIND=history: GET /ccd-persistence/cases/<ref>/history on the cases seeded with 100 events.
local function luhn_ref(n)
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

function init(args)
  kind = os.getenv("READ_KIND") or "case"
  cases = tonumber(os.getenv("READ_CASES") or "100000")
  history_cases = tonumber(os.getenv("HISTORY_CASES") or "100")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("USER_TOKEN"),
    ["ServiceAuthorization"] = "Bearer " .. os.getenv("S2S_TOKEN"),
  }
  math.randomseed(os.time())
end

function request()
  if kind == "history" then
    return wrk.format("GET", "/ccd-persistence/cases/" .. luhn_ref(math.random(1, history_cases)) .. "/history", headers)
  end
  return wrk.format("GET", "/ccd-persistence/cases?case-refs=" .. luhn_ref(math.random(1, cases)), headers)
end

function done(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"rps":%.1f,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
