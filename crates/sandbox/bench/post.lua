-- wrk script: POST /v1/payments with the issue's body. KEY comes from the environment.
-- Every request carries a fresh Idempotency-Key (thread id + counter): rest:native requires one.
local key = os.getenv("KEY") or "sk_test_bench000000000000"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = '{"amount": 5000, "currency": "USD", "source_account": "acc_123456", "destination_account": "acc_789012", "reference": "INV-2025-001"}'

local counter = 0
local prefix = ""
local started = 0
-- Each wrk thread gets its own number, so keys never collide across threads.
function setup(thread)
  started = started + 1
  thread:set("tid", started)
end
function init(args)
  prefix = tostring(tid) .. "-" .. tostring(os.time())
end
function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. counter
  return wrk.format()
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors non-2xx %d, req/s %.0f, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
