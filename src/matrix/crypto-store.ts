import { mkdirSync } from "node:fs";

/**
 * The Rust crypto keeps its state (device keys, Olm and Megolm sessions) in IndexedDB. In Node that
 * is node-indexeddb, a LevelDB-backed implementation which (a) must load its cache before its
 * global `indexedDB` is installed, and (b) opens `./indexeddb` of the working directory at import.
 * This module hides both quirks: the store lands in `<dir>/indexeddb`, once per process.
 * (See docs/e2ee.md for why this library and its risk.)
 */
export interface CryptoStoreHandle {
  /** Waits until every pending write reached LevelDB. */
  flush(): Promise<void>;
}

let opened: { dir: string; handle: CryptoStoreHandle } | null = null;

export async function openIndexedDb(dir: string): Promise<CryptoStoreHandle> {
  if (opened) {
    if (opened.dir !== dir) throw new Error(`crypto store already open in ${opened.dir}; one store per process`);
    return opened.handle;
  }
  mkdirSync(dir, { recursive: true });
  const previous = process.cwd();
  process.chdir(dir);
  let manager: { loadCache(): Promise<void>; flushWrites(): Promise<void> };
  try {
    manager = (await import("node-indexeddb/dbManager")).default;
  } finally {
    process.chdir(previous);
  }
  await manager.loadCache();
  await import("node-indexeddb/auto");
  const handle: CryptoStoreHandle = { flush: () => manager.flushWrites() };
  opened = { dir, handle };
  return handle;
}
