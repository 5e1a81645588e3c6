-- P4: the adoption case list as a case officer of one court sees it: GET /api/cases?court=C&status=S&pageSize=50,
-- a random page among the first ten of a random status of the caller's court (COURT).
local common = require "common"
local statuses = { "APPLICATION", "DIRECTIONS", "HEARING", "ORDER_MADE", "CLOSED", "WITHDRAWN" }

setup = common.track

function init(args)
  court = os.getenv("COURT") or "BFC"
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("CASEWORKER_TOKEN"),
  }
  math.randomseed(os.time() + math.random(1, 100000))
end

function request()
  local path = string.format("/api/cases?court=%s&status=%s&pageSize=50&page=%d",
    court, statuses[math.random(1, #statuses)], math.random(1, 10))
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  common.report(summary, latency)
end

response = common.response
if common.paced then delay = common.delay end
