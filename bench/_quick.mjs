// Temporary: Chromium throughput of verify-edge (phone entry bundle) and libphonenumber-js max only.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureInChromium } from "./browser.mjs";
import { LIBRARIES, browserAdapterPath } from "./libraries.mjs";
import { bundleSizes } from "./size.mjs";
const libs = LIBRARIES.filter((l) => ["verify-edge", "libphonenumber-js-max"].includes(l.id));
const bundleDir = mkdtempSync(join(tmpdir(), "q-"));
for (const l of libs) await bundleSizes(browserAdapterPath(l), join(bundleDir, `${l.id}.js`), (l.assets ?? []).map((f) => join(import.meta.dirname, "..", f)));
const r = await measureInChromium(libs, { benchDir: import.meta.dirname, bundleDir }, { runs: 3 });
for (const l of libs) console.log(l.id, Math.round(r.results[l.id].throughput.opsPerSecond), r.results[l.id].throughput.samples.map(Math.round).join(" "), "first", r.results[l.id].first.totals.map(Math.round).join(" "));
