-- wrk script of bench/vote_throughput.py: vote-and-next requests as signed-in voters, or the bare endpoint.
--
--   wrk -t2 -c32 -d20s -s bench/vote_throughput.lua http://127.0.0.1:PORT -- vote DATAFILE ROUND THREADS
--   wrk -t2 -c32 -d20s -s bench/vote_throughput.lua http://127.0.0.1:PORT -- bare
--
-- DATAFILE (written by the Python script): a line "event<TAB>slug", then "proposal<TAB>slug" lines and
-- "voter<TAB>cookie<TAB>csrf token" lines. Each wrk thread takes its share of the voters and sends their
-- votes in turn, each voter on its own next proposal, so every request is a (voter, proposal) pair not voted
-- yet. THREADS is wrk's -t. ROUND shifts where the voters start, so later runs vote on new pairs too.
-- The last line printed is "wrk requests=... rps=... p50_ms=... p99_ms=... non_200=... socket_errors=...".

local threads, count = {}, 0
local CHOICES = {"love", "try", "might", "not"}

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

local function read_data(path, round, nthreads)
  local event, proposals, voters, n = nil, {}, {}, 0
  for line in io.lines(path) do
    local kind, a, b = line:match("^(%a+)\t([^\t]+)\t?([^\t]*)$")
    if kind == "event" then
      event = a
    elseif kind == "proposal" then
      table.insert(proposals, a)
    elseif kind == "voter" then
      n = n + 1
      if (n - 1) % nthreads == id - 1 then
        table.insert(voters, {cookie = a, csrf = b, k = 0, start = (n * 37 + round * 211)})
      end
    end
  end
  return event, proposals, voters
end

function init(args)
  mode, bad, first_bad = args[1] or "bare", 0, ""
  if mode == "vote" then
    -- wrk calls setup() then init() thread by thread, so the thread count comes as an argument.
    event, proposals, voters = read_data(args[2], tonumber(args[3] or "0"), tonumber(args[4] or "1"))
    turn = 0
  end
end

function request()
  if mode ~= "vote" then
    return wrk.format("GET", "/_bench/bare")
  end
  turn = turn % #voters + 1
  local voter = voters[turn]
  local k = voter.k
  voter.k = k + 1
  local proposal = proposals[(voter.start + k) % #proposals + 1]
  local headers = {
    ["Cookie"] = "podium_session=" .. voter.cookie, ["User-Agent"] = "podium-load/1",
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json",
    ["X-Requested-With"] = "fetch",
  }
  local body = "csrf_token=" .. voter.csrf .. "&return=next&choice=" .. CHOICES[(voter.start + k) % 4 + 1]
  return wrk.format("POST", "/events/" .. event .. "/vote/" .. proposal, headers, body)
end

function response(status, headers, body)
  -- A vote answers 200 with {"ok": true, ...}; a redirect to the sign-in page or a refusal is a failure.
  if status ~= 200 or (mode == "vote" and not body:find('"ok":true', 1, true)) then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. body:sub(1, 200):gsub("%s+", " ") end
  end
end

function done(summary, latency, requests)
  local bad_total, sample = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if sample == "" then sample = thread:get("first_bad") end
  end
  local e = summary.errors
  if sample ~= "" then io.write("first failure: ", sample, "\n") end
  io.write(string.format("wrk requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non_200=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, bad_total, e.connect + e.read + e.write + e.timeout))
end
