// The error class every verify-edge export throws. Defined in JS because a Rust type cannot extend `Error`;
// `instanceof VerifyEdgeError` and `err.code` are what callers branch on.
export class VerifyEdgeError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "VerifyEdgeError";
    this.code = code;
  }
}
