-- wrk script for bench/scale.sh: every request reads another thread. The
-- paths come from a file (one a line, as bench/scale_data.py writes them);
-- wrk thread k of T takes lines k, k+T, k+2T…, so no thread is read twice
-- until a wrk thread has used up its share, and the final line says whether
-- that happened (wrapped=1: some reads were no longer cold).
--
--   wrk -t T ... -s bench/scale_cold.lua http://127.0.0.1:PORT -- FILE T

local threads = {}
local next_id = 0

setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

init = function(args)
  local file, count = args[1], tonumber(args[2])
  if not file or not count then
    error("usage: -s bench/scale_cold.lua URL -- FILE WRK_THREADS")
  end
  paths = {}
  local line_no = 0
  for line in io.lines(file) do
    if line ~= "" then
      if line_no % count == id then
        paths[#paths + 1] = line
      end
      line_no = line_no + 1
    end
  end
  if #paths == 0 then
    error("no paths for wrk thread " .. id .. " in " .. file)
  end
  npaths = #paths
  at = 0
  wrapped = 0
  status_other = 0
end

request = function()
  at = at + 1
  if at > #paths then
    at = 1
    wrapped = 1
  end
  return wrk.format("GET", paths[at])
end

response = function(status, headers, body)
  if status ~= 200 then
    status_other = status_other + 1
  end
end

done = function(summary, latency, requests)
  local w, others, share = 0, 0, 0
  for _, t in ipairs(threads) do
    w = math.max(w, t:get("wrapped"))
    others = others + t:get("status_other")
    share = share + t:get("npaths")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d "
      .. "not200=%d wrapped=%d paths=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, others, w, share))
end
