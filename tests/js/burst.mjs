// A burst from a second process: fires every request of a JSON list at once (bounded: at most 200, each aborted
// after 20 s) and prints, as JSON, each answer's status, Retry-After and Twilio code, in the list's order.
//   node tests/js/burst.mjs '<json [{url, body, headers}]>'
const requests = JSON.parse(process.argv[2]);
if (!Array.isArray(requests) || requests.length > 200) throw new Error("1 to 200 requests");
const answers = await Promise.all(requests.map(async ({ url, body, headers = {} }) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const json = await response.json().catch(() => ({}));
  return { status: response.status, retryAfter: response.headers.get("retry-after"), code: json.code ?? null, reason: json.details?.reason ?? null };
}));
process.stdout.write(JSON.stringify(answers));
