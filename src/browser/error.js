// The error class every verify-edge export throws. Defined in JS because a Rust type cannot extend `Error`;
// `instanceof VerifyEdgeError` and `err.code` are what callers branch on.
export class VerifyEdgeError extends Error {
  // `details` is optional so `new VerifyEdgeError(code, message)` keeps working; every field it may carry is
  // always present on the error (null when unknown), so callers never meet `undefined`.
  constructor(code, message, details) {
    super(message, details && details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = "VerifyEdgeError";
    this.code = code;
    this.status = details?.status ?? null;
    this.moreInfo = details?.moreInfo ?? null;
    this.reason = details?.reason ?? null;
    this.retryAfter = details?.retryAfter ?? null;
  }
}
