/** The encrypting client lives in `tools/` (the demo plays its scene with it); tests import it from here. */
import { muteCryptoTracing } from "../../tools/encrypted-client.js";

export * from "../../tools/encrypted-client.js";

// The Rust crypto logs every key share at debug level (matrix-js-sdk sets it so in
// initRustCrypto): thousands of lines that hide the test report. Failures still show.
muteCryptoTracing();
