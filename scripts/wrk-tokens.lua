-- wrk script for scripts/serve-burst.sh: POST /v1/tokens with an invalid card (a Luhn
-- error, answered by the validator), and the latency percentiles wrk's --latency omits.
wrk.method = "POST"
wrk.path = "/v1/tokens"
wrk.body = "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123"
wrk.headers["Authorization"] = "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors connect %d read %d write %d timeout %d, non-2xx/3xx %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  for _, p in ipairs({50, 90, 99, 99.9, 99.99}) do
    io.write(string.format("p%g %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max %.2f ms\n", latency.max / 1000))
end
