-- wrk script for the write benchmark: every request posts a new top-level
-- comment with a text no other request uses, to one of the 500 small threads
-- (/post/1 … /post/500), and every answer's status is counted. With a second
-- argument PAGE, every request posts into that one thread instead (/post/PAGE).
--
--   wrk ... -s bench/post.lua http://127.0.0.1:PORT -- TAG [PAGE]

local threads = {}
local next_id = 0

setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local words = {
  "the", "comment", "thread", "reply", "page", "reader", "answer", "cache",
  "useful", "clear", "example", "detail", "update", "change", "measure",
  "number", "memory", "disk", "note", "source",
}

init = function(args)
  tag = (args[1] or "run") .. "-" .. os.time()
  hot = args[2]
  counter = 0
  n201, n202, nother, last_other = 0, 0, 0, 0
  headers = { ["Content-Type"] = "application/json" }
end

request = function()
  counter = counter + 1
  local page = hot or ((counter * 7 + id * 131) % 500 + 1)
  local w1 = words[counter % #words + 1]
  local w2 = words[(counter * 3 + id) % #words + 1]
  local text = string.format(
    "Bench comment %s w%d n%d: the %s about the *%s* is clear, thanks for the note.",
    tag, id, counter, w1, w2)
  local body = string.format('{"text":"%s","name":"Author %d"}', text, counter % 100)
  local path = "/api/comments?url=https%3A%2F%2Fblog.example.org%2Fpost%2F" .. page
  return wrk.format("POST", path, headers, body)
end

response = function(status, hdrs, body)
  if status == 201 then
    n201 = n201 + 1
  elseif status == 202 then
    n202 = n202 + 1
  else
    nother = nother + 1
    last_other = status
  end
end

done = function(summary, latency, requests)
  local a, b, c, last = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("n201")
    b = b + t:get("n202")
    c = c + t:get("nother")
    if t:get("last_other") ~= 0 then last = t:get("last_other") end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d "
      .. "created=%d created_per_s=%.1f held=%d other=%d last_other=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout,
    a, a / secs, b, c, last))
end
