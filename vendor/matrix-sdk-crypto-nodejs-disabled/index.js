"use strict";
// cross-bot never enables matrix-bot-sdk's crypto (see docs/e2ee.md). The real package's
// install script downloads a native library from GitHub, impossible on an air-gapped network,
// so this placeholder stands in for it and fails loudly if anything tries to use it.
const message =
  "matrix-bot-sdk's native crypto is disabled in cross-bot (no download at install time); see docs/e2ee.md";
module.exports = new Proxy(
  {},
  {
    get(_target, property) {
      if (typeof property === "symbol" || property === "__esModule" || property === "then") {
        return undefined;
      }
      throw new Error(`${message} (accessed ${String(property)})`);
    },
  },
);
