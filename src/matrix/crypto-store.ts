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
  let manager: LevelDbManager;
  try {
    manager = (await import("node-indexeddb/dbManager")).default as unknown as LevelDbManager;
  } finally {
    process.chdir(previous);
  }
  await manager.loadCache();
  await import("node-indexeddb/auto");
  const handle: CryptoStoreHandle = { flush: recoveringFlush(manager) };
  opened = { dir, handle };
  return handle;
}

/** The parts of node-indexeddb's LevelDB manager the flush relies on (its state is all in memory). */
interface LevelDbManager {
  loadCache(): Promise<void>;
  flushWrites(): Promise<void>;
  cache: Map<string, unknown>;
  databaseStructures: Map<string, unknown>;
  pendingWrites: Promise<unknown>[];
  db: {
    batch(ops: ({ type: "put"; key: string; value: unknown } | { type: "del"; key: string })[]): Promise<void>;
    keys(): AsyncIterable<string>;
  };
}

const DB_LIST_KEY = "__db_list__";
const DB_STRUCTURE_KEY = "__db_structure__";

/**
 * node-indexeddb keeps every record in memory and writes each change to LevelDB as a promise; a
 * write that failed (a full disk) stays a rejected promise in its queue, so every later flush would
 * fail even once space is back. After a failure the queue is dropped, and the next flush writes the
 * whole state again from memory in one batch (records, structures, and the deletions made
 * meanwhile), so the crypto store resumes by itself, consistent.
 */
function recoveringFlush(manager: LevelDbManager): () => Promise<void> {
  let dirty = false;
  return async () => {
    if (!dirty) {
      try {
        await manager.flushWrites();
        return;
      } catch (error) {
        dirty = true;
        manager.pendingWrites = [];
        throw error;
      }
    }
    manager.pendingWrites = [];
    const ops: Parameters<LevelDbManager["db"]["batch"]>[0] = [];
    for (const [key, value] of manager.cache) ops.push({ type: "put", key, value });
    for (const [name, structure] of manager.databaseStructures) {
      ops.push({ type: "put", key: `${DB_STRUCTURE_KEY}${name}`, value: JSON.stringify(structure) });
    }
    ops.push({ type: "put", key: DB_LIST_KEY, value: JSON.stringify([...manager.databaseStructures.keys()]) });
    for await (const key of manager.db.keys()) {
      if (!key.startsWith("__db_") && !manager.cache.has(key)) ops.push({ type: "del", key });
    }
    await manager.db.batch(ops);
    dirty = false;
  };
}
