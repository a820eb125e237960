// The browser side: a loopback HTTP server for the package and the bundles, and headless Chromium driven by
// playwright-core measuring time to first result (a fresh browser context, so a cold cache, each time) and throughput.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { basename, extname, join, resolve, sep } from "node:path";
import { browserModulePath } from "./libraries.mjs";
import { summarizeFirstResults } from "./measure.mjs";
import { launchChromium } from "../tests/js/support.mjs";

const CONTENT_TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm", // what instantiateStreaming requires
};
/** What the benchmark page's console line with its result starts with (page.html). */
const RESULT_PREFIX = "firstResult ";
/** No page may wait longer than this for its first result. */
const PAGE_TIMEOUT_MS = 30_000;

/** Where each URL prefix is served from. `/` is the benchmark page. */
function routes({ benchDir, bundleDir }) {
  return [["/bench/", benchDir], ["/bundles/", bundleDir]];
}

/** The file a request path names, or null if it names none of the served folders (or climbs out of one). */
function fileFor(pathname, folders) {
  for (const [prefix, dir] of routes(folders)) {
    if (!pathname.startsWith(prefix)) continue;
    const file = resolve(dir, decodeURIComponent(pathname.slice(prefix.length)));
    return file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

/** Where page.html wants its preload links. */
const PRELOAD_MARKER = /^<!-- preload:.*-->$/m;

/**
 * The benchmark page with a `<link rel="preload">` for each `preload` parameter naming a bundle asset, as an app's
 * HTML would name the wasm it is about to fetch. `crossorigin` makes the preload's request the one
 * `fetch(new URL(..., import.meta.url))` makes (CORS mode), so the fetch takes it instead of asking again.
 */
function benchmarkPage(benchDir, url) {
  const links = url.searchParams.getAll("preload")
    .filter((href) => /^\/bundles\/[\w.-]+$/.test(href))
    .map((href) => `<link rel="preload" href="${href}" as="fetch" type="application/wasm" crossorigin>`);
  return readFileSync(join(benchDir, "page.html"), "utf8").replace(PRELOAD_MARKER, links.join("\n"));
}

/** Starts the static server on 127.0.0.1 and a random port; resolves to `{ origin, close }`. Nothing is cached. */
export async function startServer(folders) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const headers = (file) => ({
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    if (url.pathname === "/") {
      response.writeHead(200, headers("page.html")).end(benchmarkPage(folders.benchDir, url));
      return;
    }
    const file = fileFor(url.pathname, folders);
    if (!file || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, headers(file));
    createReadStream(file).pipe(response);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * The benchmark page's address for one library; with `preload`, the page names the library's assets (its wasm) in
 * preload links.
 */
function pageUrl(origin, library, { preload = false } = {}) {
  const params = new URLSearchParams({ module: browserModulePath(library) });
  if (preload) {
    for (const asset of library.assets ?? []) params.append("preload", `/bundles/${basename(asset)}`);
  }
  return `${origin}/?${params}`;
}

/**
 * Opens the benchmark page for one library in a fresh context (empty cache) and returns the result it logs.
 * `options.preload`: the page preloads the library's assets.
 */
async function firstResultOnce(browser, origin, library, options) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // The page logs its result: waiting on a console event injects no script into the page, where Playwright's
    // `waitForFunction` would compile its own utility script on the main thread in the middle of the measurement.
    const logged = page.waitForEvent("console", {
      predicate: (message) => message.text().startsWith(RESULT_PREFIX),
      timeout: PAGE_TIMEOUT_MS,
    });
    await page.goto(pageUrl(origin, library, options), { waitUntil: "commit" });
    const result = JSON.parse((await logged).text().slice(RESULT_PREFIX.length));
    if (result.error) throw new Error(`${library.name} failed in Chromium: ${result.error}`);
    return result;
  } finally {
    await context.close();
  }
}

/** Warm normalizations per second in a page, with the same inputs and plan as in Node. */
async function throughputInPage(browser, origin, library) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageUrl(origin, library));
    await page.waitForFunction(() => window.firstResult, null, { timeout: PAGE_TIMEOUT_MS });
    return await page.evaluate(async (modulePath) => {
      const { INPUTS } = await import("/bench/inputs.mjs");
      const { measureThroughput } = await import("/bench/measure.mjs");
      const { normalize } = await import(modulePath);
      return measureThroughput(normalize, INPUTS);
    }, browserModulePath(library));
  } finally {
    await context.close();
  }
}

/**
 * Measures every library in headless Chromium: median time to first result over `runs` fresh contexts (libraries
 * taken in turn, so drift hits all alike), then warm throughput. Returns the Chromium version and, per library id,
 * `{ first: { totalMs, totals, loadMs, firstParseMs, runs }, throughput }`, and for a library that fetches assets
 * (verify-edge's wasm) `firstPreloaded`: the same, on a page whose HTML preloads them.
 */
export async function measureInChromium(libraries, folders, { runs }) {
  const server = await startServer(folders);
  const browser = await launchChromium();
  try {
    const samples = Object.fromEntries(libraries.map((l) => [l.id, []]));
    const preloaded = Object.fromEntries(libraries.filter((l) => l.assets?.length).map((l) => [l.id, []]));
    for (let run = 0; run < runs; run++) {
      for (const library of libraries) {
        samples[library.id].push(await firstResultOnce(browser, server.origin, library));
        if (preloaded[library.id]) {
          preloaded[library.id].push(await firstResultOnce(browser, server.origin, library, { preload: true }));
        }
      }
    }
    const results = {};
    for (const library of libraries) {
      results[library.id] = {
        first: summarizeFirstResults(samples[library.id]),
        ...(preloaded[library.id] && { firstPreloaded: summarizeFirstResults(preloaded[library.id]) }),
        throughput: await throughputInPage(browser, server.origin, library),
      };
    }
    return { version: browser.version(), results };
  } finally {
    await browser.close();
    await server.close();
  }
}
