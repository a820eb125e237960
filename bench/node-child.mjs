// One fresh Node process measuring one library, so no library's start-up or JIT state leaks into another's.
// Usage: node bench/node-child.mjs first|throughput <library id>. Prints one JSON object on stdout.
import { FIRST_INPUT, INPUTS } from "./inputs.mjs";
import { LIBRARIES, adapterUrl } from "./libraries.mjs";
import { measureThroughput } from "./measure.mjs";

/**
 * Time from before `import` to the first normalized answer (load + instantiate + first parse), and the first parse
 * alone. `sinceProcessStartMs` adds Node's own start-up (performance.now() counts from process start).
 */
async function firstResult(url) {
  const started = performance.now();
  const { normalize } = await import(url);
  const loaded = performance.now();
  const answer = normalize(FIRST_INPUT.input, FIRST_INPUT.region);
  const done = performance.now();
  return {
    totalMs: done - started,
    loadMs: loaded - started,
    firstParseMs: done - loaded,
    sinceProcessStartMs: done,
    answer,
  };
}

/** Warm normalizations per second over all inputs. */
async function throughput(url) {
  const { normalize } = await import(url);
  return measureThroughput(normalize, INPUTS);
}

const [mode, id] = process.argv.slice(2);
const library = LIBRARIES.find((l) => l.id === id);
if (!library || !["first", "throughput"].includes(mode)) {
  console.error("usage: node bench/node-child.mjs first|throughput <library id>");
  process.exit(2);
}
const result = mode === "first" ? await firstResult(adapterUrl(library)) : await throughput(adapterUrl(library));
process.stdout.write(JSON.stringify(result));
