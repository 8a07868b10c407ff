-- wrk script for bench/scale.sh: every request reads another thread, each
-- thread once. The paths come from a file (one a line, as
-- bench/scale_data.py writes them, shuffled); wrk thread k of T takes lines
-- k, k+T, k+2T… up to its share of READS. Once all of its share is
-- answered, a wrk thread notes the time, creates MARK.k (bench/scale.sh then
-- stops wrk with SIGINT, which prints the results at once) and stops. A
-- connection that asks for more before that gets /healthz, which reads no
-- thread. The rate is of the thread reads alone: all of them over the time
-- from the first request sent to the last share answered (by the monotonic
-- clock, through LuaJIT's ffi).
--
--   wrk -t T -d 300s ... -s bench/scale_cold.lua http://127.0.0.1:PORT -- FILE T READS MARK

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } natter_timespec;
  int clock_gettime(int clock, natter_timespec *ts);
]]
local ts = ffi.new("natter_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local next_id = 0

setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

init = function(args)
  local file, count, reads = args[1], tonumber(args[2]), tonumber(args[3])
  mark = args[4]
  if not file or not count or not reads or not mark then
    error("usage: -s bench/scale_cold.lua URL -- FILE WRK_THREADS READS MARK")
  end
  local share = math.ceil(reads / count)
  paths = {}
  local line_no = 0
  for line in io.lines(file) do
    if #paths >= share then
      break
    end
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
  answered = 0
  fillers = 0
  status_other = 0
  started = 0
  finished = 0
end

request = function()
  at = at + 1
  if at == 1 then
    started = now()
  end
  if at > npaths then
    fillers = fillers + 1
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("GET", paths[at])
end

response = function(status, headers, body)
  if finished ~= 0 then
    return
  end
  answered = answered + 1
  if status ~= 200 then
    status_other = status_other + 1
  end
  if answered >= npaths then
    finished = now()
    local f = io.open(mark .. "." .. id, "w")
    f:write("done\n")
    f:close()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local others, reads, fill, first, last, unfinished = 0, 0, 0, math.huge, 0, 0
  for _, t in ipairs(threads) do
    others = others + t:get("status_other")
    reads = reads + t:get("npaths")
    fill = fill + t:get("fillers")
    first = math.min(first, t:get("started"))
    if t:get("finished") == 0 then
      unfinished = unfinished + 1
    end
    last = math.max(last, t:get("finished"))
  end
  local secs = last - first
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d "
      .. "not200=%d reads=%d fillers=%d unfinished=%d\n",
    reads, secs * 1e6, reads / secs,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, others, reads, fill, unfinished))
end
