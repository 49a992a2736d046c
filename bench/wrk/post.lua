-- POST BENCH_BODY (JSON) to the URL path with optional bearer (BENCH_BEARER).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local bearer = os.getenv("BENCH_BEARER")
if bearer and bearer ~= "" then wrk.headers["Authorization"] = "Bearer " .. bearer end
