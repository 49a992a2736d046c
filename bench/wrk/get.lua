-- GET with optional bearer (BENCH_BEARER) and a path list (BENCH_PATHS, space separated) cycled per request.
local bearer = os.getenv("BENCH_BEARER")
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do paths[#paths + 1] = p end
local i = 0
request = function()
  i = i + 1
  local headers = {}
  if bearer and bearer ~= "" then headers["Authorization"] = "Bearer " .. bearer end
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end
