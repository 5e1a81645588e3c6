-- P2: reads as CCD makes them. READ_KIND=case: GET /ccd-persistence/cases?case-refs=<one ref> on random cases;
-- READ_KIND=history: GET /ccd-persistence/cases/<ref>/history on the HISTORY_CASES cases seeded with 100 events
-- (case numbers from HISTORY_FIRST, 1 unless bench/run --growth seeded others with another number of events).
local common = require "common"

setup = common.track

function init(args)
  kind = os.getenv("READ_KIND") or "case"
  cases = tonumber(os.getenv("READ_CASES") or "100000")
  history_cases = tonumber(os.getenv("HISTORY_CASES") or "100")
  history_first = tonumber(os.getenv("HISTORY_FIRST") or "1")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("USER_TOKEN"),
    ["ServiceAuthorization"] = "Bearer " .. os.getenv("S2S_TOKEN"),
  }
  math.randomseed(os.time())
end

function request()
  if kind == "history" then
    return wrk.format("GET", "/ccd-persistence/cases/" .. common.luhn_ref(history_first + math.random(0, history_cases - 1)) .. "/history", headers)
  end
  return wrk.format("GET", "/ccd-persistence/cases?case-refs=" .. common.luhn_ref(math.random(1, cases)), headers)
end

function done(summary, latency, requests)
  common.report(summary, latency)
end

response = common.response
if common.paced then delay = common.delay end
