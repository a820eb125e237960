// A stand-in for what the browser tests cannot reach: a carrier's SNA redirect chain (it speaks the real format:
// 302/307 hops, then 200 text/plain `ErrorCode=0&ErrorDescription=Success&Carrier=...`), plus a few answers a
// broken API could give. It records every request it gets, so a test can tell what left the browser and how often.
//
//   /chain/{key}/{hop}?hops=2&redirect=307&cors=1&code=0&token=T&delay=MS   the chain; hop 0 is the sna.url
//   /hits?key=K                                                          what /chain/K/... and /api/K/... received
//   /api/{key}/{what}/...   answers as a broken Verify API would: what = slow, html502, wrongjson
//   /inbox?to=...           the Worker's /dev/inbox relayed with CORS (the Worker sends none there)
import { createServer } from "node:http";

const cors = { "Access-Control-Allow-Origin": "*" };

/** Starts the stand-in on `host` (and `alsoHost`, same port) at a free port; `stop()` closes it. */
export async function startCarrier({ host = "127.0.0.1", alsoHost = null, inboxBase = null } = {}) {
  const hits = new Map();
  const record = (key, req, hop) => {
    if (!hits.has(key)) hits.set(key, []);
    hits.get(key).push({
      hop,
      method: req.method,
      host: req.headers.host,
      cookie: req.headers.cookie ?? null,
      referer: req.headers.referer ?? null,
      authorization: req.headers.authorization ?? null,
    });
  };
  const timers = new Set();
  const later = (ms, fn) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  const handler = async (req, res) => {
    const url = new URL(req.url, "http://stand-in");
    const parts = url.pathname.split("/").filter(Boolean);
    req.resume();
    if (parts[0] === "hits") {
      res.writeHead(200, { ...cors, "Content-Type": "application/json", "Cache-Control": "no-store" });
      return res.end(JSON.stringify(hits.get(url.searchParams.get("key")) ?? []));
    }
    if (parts[0] === "inbox" && inboxBase) {
      const upstream = await fetch(`${inboxBase}/dev/inbox${url.search}`, { signal: AbortSignal.timeout(10_000) });
      res.writeHead(upstream.status, { ...cors, "Content-Type": "application/json" });
      return res.end(await upstream.text());
    }
    if (parts[0] === "chain" && parts.length === 3) {
      const [, key, hopText] = parts;
      const hop = Number(hopText);
      record(key, req, hop);
      const q = url.searchParams;
      const hops = Number(q.get("hops") ?? 2);
      const headers = q.get("cors") === "1" ? { ...cors } : {};
      const answer = () => {
        if (hop < hops) {
          res.writeHead(Number(q.get("redirect") ?? 307), { ...headers, Location: `/chain/${key}/${hop + 1}${url.search}` });
          return res.end();
        }
        const code = q.get("code") ?? "0";
        let body = `ErrorCode=${code}&ErrorDescription=${code === "0" ? "Success" : "Carrier+could+not+verify"}&Carrier=TESTNET`;
        if (q.get("token")) body += `&SnaClientToken=${encodeURIComponent(q.get("token"))}`;
        res.writeHead(200, { ...headers, "Content-Type": "text/plain", "Cache-Control": "no-store" });
        res.end(body);
      };
      const delay = Number(q.get("delay") ?? 0);
      return delay > 0 && hop === 0 ? later(delay, answer) : answer();
    }
    if (parts[0] === "api" && parts.length >= 3) {
      const [, key, what] = parts;
      record(key, req, 0);
      if (req.method === "OPTIONS") {
        res.writeHead(204, { ...cors, "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Allow-Methods": "GET, POST" });
        return res.end();
      }
      if (what === "slow") return later(5_000, () => { res.writeHead(200, cors); res.end("{}"); });
      if (what === "html502") {
        res.writeHead(502, { ...cors, "Content-Type": "text/html" });
        return res.end("<html><body>Bad gateway</body></html>");
      }
      if (what === "wrongjson") {
        res.writeHead(200, { ...cors, "Content-Type": "application/json" });
        return res.end(JSON.stringify({ sid: 42, status: "teleported" }));
      }
    }
    res.writeHead(404, cors);
    res.end();
  };

  const servers = [];
  const listen = (h, port) => new Promise((ok, fail) => {
    const server = createServer((req, res) => handler(req, res).catch((e) => { res.writeHead(500); res.end(String(e)); }));
    server.once("error", fail);
    server.listen(port, h, () => { servers.push(server); ok(server.address().port); });
  });
  const port = await listen(host, 0);
  if (alsoHost) await listen(alsoHost, port);
  return {
    url: `http://${host}:${port}`,
    port,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all(servers.map((s) => new Promise((ok) => { s.closeAllConnections?.(); s.close(ok); })));
    },
  };
}
