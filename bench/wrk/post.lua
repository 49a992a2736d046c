-- POST BENCH_BODY (JSON) to the URL path with optional bearer (BENCH_BEARER). BENCH_PAUSE_MS paces each
-- connection: it waits that long after every answer before sending again (wrk's delay hook).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local bearer = os.getenv("BENCH_BEARER")
if bearer and bearer ~= "" then wrk.headers["Authorization"] = "Bearer " .. bearer end
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
