-- wrk script for bench/bench-signup.sh: realistic, varied sign-ups to POST /api/apply.
-- Each request: a random posting (1..15, the sample postings), a common Chinese name, a valid
-- mainland mobile number in one of the forms viewers type, and an X-Forwarded-For from a pool
-- of 5000 addresses (carrier NAT: many viewers per address), which jobcast believes because
-- the bench starts it with --trusted-proxy 127.0.0.1. Counts 201 answers separately.
local surnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"}
local given = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"}
local prefixes = {"138", "139", "150", "151", "177", "186", "187", "199", "135", "166"}
created = 0
other = 0
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("seed", #threads)
end

function init(args)
   math.randomseed(os.time() * 1000 + seed)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

-- Every request a different person: random numbers would repeat now and then (about one in
-- 150,000 requests for the same posting), and the server rightly answers a repeat with 200 as a
-- duplicate, which would count as rejected. A per-thread sequence keeps them unique.
local sequence = 0

local function phone()
   sequence = sequence + 1
   local p = prefixes[math.random(#prefixes)] ..
      string.format("%08d", (seed * 10000000 + sequence) % 100000000)
   local form = math.random(4)
   if form == 1 then
      return "+86 " .. p
   elseif form == 2 then
      return p:sub(1, 3) .. "-" .. p:sub(4, 7) .. "-" .. p:sub(8)
   end
   return p
end

function request()
   local n = math.random(5000)
   wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", n % 200, math.floor(n / 200) % 250, 7)
   local body = string.format(
      '{"posting_id": %d, "name": "%s%s", "phone": "%s", "consent": true}',
      math.random(15), surnames[math.random(#surnames)], given[math.random(#given)], phone())
   return wrk.format(nil, "/api/apply", nil, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local c, o = 0, 0
   for _, t in ipairs(threads) do
      c = c + t:get("created")
      o = o + t:get("other")
   end
   io.write(string.format("RESULT created=%d other=%d seconds=%.3f p99_us=%d p50_us=%d\n", c, o,
                          summary.duration / 1e6, latency:percentile(99), latency:percentile(50)))
end
