-- wrk script: replays the requests of one `<scenario>.req` file (made by bench/seed.py),
-- each wrk thread taking every N-th line, round and round; counts answers by status class
-- and by webhook outcome, and prints one JSON line of results at the end.
--   wrk -t2 -c16 -d12s -s bench/load.lua http://127.0.0.1:PORT   (BENCH_REQUESTS=path/to/file.req)

local requests = {}
local threads = {}
local thread_count = 0

local function split(line, sep)
  local fields, start = {}, 1
  while true do
    local i = string.find(line, sep, start, true)
    if not i then table.insert(fields, string.sub(line, start)); break end
    table.insert(fields, string.sub(line, start, i - 1))
    start = i + #sep
  end
  return fields
end

local function load(path)
  local list = {}
  for line in io.lines(path) do
    if #line > 0 then
      local f = split(line, "\t")
      local headers = {}
      if f[3] ~= "" then
        for _, h in ipairs(split(f[3], "|")) do
          local colon = string.find(h, ": ", 1, true)
          headers[string.sub(h, 1, colon - 1)] = string.sub(h, colon + 2)
        end
      end
      local body = f[4] ~= "" and f[4] or nil
      table.insert(list, wrk.format(f[1], f[2], headers, body))
    end
  end
  return list
end

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  requests = load(os.getenv("BENCH_REQUESTS"))
  position = id - 1
  stride = tonumber(os.getenv("BENCH_THREADS") or "2")
  s2xx, s4xx, s5xx, other, duplicates, processed = 0, 0, 0, 0, 0, 0
end

function request()
  local r = requests[(position % #requests) + 1]
  position = position + stride
  return r
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 200 and status < 300 then
    s2xx = s2xx + 1
    if body and string.find(body, '"status":"duplicate"', 1, true) then duplicates = duplicates + 1
    elseif body and string.find(body, '"status":"accepted"', 1, true) then processed = processed + 1 end
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c = {s2xx = 0, s4xx = 0, s5xx = 0, other = 0, duplicates = 0, processed = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (t:get(k) or 0) end
  end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"s2xx":%d,"s4xx":%d,"s5xx":%d,"other":%d,"duplicates":%d,"processed":%d,' ..
    '"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    c.s2xx, c.s4xx, c.s5xx, c.other, c.duplicates, c.processed,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
