/** The encrypting client lives in `tools/` (the demo plays its scene with it); tests import it from here. */
export * from "../../tools/encrypted-client.js";
