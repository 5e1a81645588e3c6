-- P1: update events over HTTP as CCD sends them. Each request is a fresh idempotency key and a realistic body
-- (case_details_before + proposed case_details with a changed blob). Thread t of T takes case numbers
-- first+t, first+t+T, ... so every case is updated once per run and its version is the seeded P1_VERSION (default 1).
-- P1_COUNT is how many fresh cases bench/run gave the run: a thread that has used its share stops, so a machine
-- faster than bench/run expected never updates a case twice (the run then reports "capped").
local common = require "common"
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
  common.track(thread)
end


local function uuid()
  local t = {}
  for i = 1, 16 do t[i] = math.random(0, 255) end
  t[7] = (t[7] % 16) + 64   -- version 4
  t[9] = (t[9] % 64) + 128  -- RFC 4122 variant
  return string.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", (table.unpack or unpack)(t))
end

local function blob(n, step)
  return string.format('{"caseName":"Bench case %d","applicantFirstName":"Alex","applicantLastName":"Smith%d",' ..
    '"childFirstName":"Sam","childLastName":"Smith%d","childDateOfBirth":"2019-04-01","courtCode":"BFC","step":%d,' ..
    '"notes":"%s","SearchCriteria":{"OtherCaseReferences":[{"id":"%d","value":"REF%d"}]}}',
    n, n, n, step, string.rep("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 12), n, n)
end

local function details(ref, version, data)
  return string.format('{"id":%s,"jurisdiction":"BENCH","case_type_id":"BENCH","state":"Open","version":%d,' ..
    '"security_classification":"PUBLIC","case_data":%s,"data_classification":{},"supplementary_data":{},' ..
    '"created_date":"2026-01-01T09:00:00.000","last_modified":"2026-01-01T09:00:00.000",' ..
    '"last_state_modified_date":"2026-01-01T09:00:00.000"}', ref, version, data)
end

function init(args)
  first = tonumber(os.getenv("P1_FIRST") or "1001")
  version = tonumber(os.getenv("P1_VERSION") or "1")
  nthreads = tonumber(os.getenv("P1_THREADS") or "2")
  user_token = os.getenv("USER_TOKEN")
  s2s_token = os.getenv("S2S_TOKEN")
  share = math.floor(tonumber(os.getenv("P1_COUNT") or "1000000000") / nthreads)
  capped = false
  math.randomseed(os.time() + tid * 7919)
end

function request()
  if counter >= share then
    -- Out of fresh cases: stop this thread; the request it must still return is a harmless probe.
    capped = true
    wrk.thread:stop()
    return wrk.format("GET", "/health/live")
  end
  local n = first + tid + counter * nthreads
  counter = counter + 1
  local ref = common.luhn_ref(n)
  local body = string.format('{"case_details_before":%s,"case_details":%s,"event_details":{"case_type":"BENCH",' ..
    '"event_id":"update","event_name":"Update","summary":"bench","description":"bench update","proxied_by":null,' ..
    '"proxied_by_first_name":null,"proxied_by_last_name":null},"resolved_ttl":null,"internal_case_id":%d,' ..
    '"start_revision":%d,"merge_revision":%d}',
    details(ref, version, blob(n, 0)), details(ref, version, blob(n, 1)), n, version, version)
  return wrk.format("POST", "/ccd-persistence/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. user_token,
    ["ServiceAuthorization"] = "Bearer " .. s2s_token,
    ["Idempotency-Key"] = uuid(),
  }, body)
end

function done(summary, latency, requests)
  local any = false
  for _, thread in ipairs(threads) do any = any or thread:get("capped") end
  common.report(summary, latency, any and ',"capped":true' or "")
end

response = common.response
if common.paced then delay = common.delay end
