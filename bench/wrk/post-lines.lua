-- POSTs one line of BENCH_LINES (a file of JSON bodies) per request to BENCH_PATH, each line once:
-- thread k of n takes lines k, k+n, k+2n… With BENCH_NONCE_FIRST=1 every POST is preceded by a
-- GET /api/auth/nonce from a fresh X-Forwarded-For address (a sign-in's full server work; the
-- address keeps the per-IP nonce cap out of the way). BENCH_BEARER adds a bearer token.
local threads = {}
local counter = 0
setup = function(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

init = function(args)
  local count = tonumber(os.getenv("BENCH_THREADS") or "1")
  bodies, next_body = {}, 1
  local n = 0
  for line in io.lines(os.getenv("BENCH_LINES")) do
    if n % count == index then bodies[#bodies + 1] = line end
    n = n + 1
  end
  path = os.getenv("BENCH_PATH")
  nonce_first = os.getenv("BENCH_NONCE_FIRST") == "1"
  bearer = os.getenv("BENCH_BEARER")
  want_nonce = nonce_first
  sent = 0
end

request = function()
  if want_nonce then
    want_nonce = false
    sent = sent + 1
    local ip = string.format("10.%d.%d.%d", index, math.floor(sent / 256) % 256, sent % 256)
    return wrk.format("GET", "/api/auth/nonce", { ["X-Forwarded-For"] = ip })
  end
  want_nonce = nonce_first
  local body = bodies[next_body]
  next_body = next_body + 1
  if body == nil then body = "{}" end -- exhausted: answered 4xx and counted as an error
  local headers = { ["Content-Type"] = "application/json" }
  if bearer and bearer ~= "" then headers["Authorization"] = "Bearer " .. bearer end
  return wrk.format("POST", path, headers, body)
end
