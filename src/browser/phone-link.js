// The main entry's way to the phone engine: the phone entry's normalizePhone, handed over by the main entry's loader
// (index.js, node.js, workerd.js), so a page that loads both entries carries one engine. See phone_link.rs.
let linked = null;

export function linkPhone(normalizePhone) {
  linked = normalizePhone;
}

export function linkedNormalizePhone(input, defaultRegion) {
  if (linked === null) {
    throw new TypeError("verify-edge: the phone entry is not linked; import the package through its entry points");
  }
  return linked(input, defaultRegion);
}
