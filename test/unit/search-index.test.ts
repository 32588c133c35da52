import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startSearchIndexer } from "../../src/jobs/search-index.js";
import { fieldsOf, territoryFixture } from "./support/territory-fixture.js";

/**
 * Full-text indexing runs in batches (migration 17): a report is marked when written and indexed
 * later with others. `!cherche` must find it all along — right after the write, after its batch,
 * after an amendment that changes its words — exactly once, and never by words it no longer has.
 */
const DAY = 86_400_000;
const AT = Date.UTC(2026, 10, 20);
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function cell() {
  const fixture = await territoryFixture(["ggd", "douane"], []);
  close = () => fixture.db.close();
  const { capture } = fixture;
  const write = (eventId: string, text: string, at = AT) =>
    capture.write.create({
      sourceEventId: eventId,
      roomId: "!ggd",
      roomKey: "ggd",
      service: "ggd",
      author: "@ggd:t",
      fields: { ...fieldsOf({ service: "ggd", commune: "88160", observedAt: at - DAY }), text },
      at,
    });
  const found = async (word: string) => (await capture.reports.search({ terms: [word], entities: [] })).map((r) => r.ref);
  const pending = async () => (await fixture.db.get<{ n: number }>("SELECT count(*) AS n FROM search_pending"))!.n;
  return { ...fixture, write, found, pending };
}

describe("full-text search indexed in batches", () => {
  it("finds a report as soon as it is written, and after its batch, exactly once", async () => {
    const c = await cell();
    const older = (await c.write("$1", "guetteurs rue des Vosges")).report;
    await c.capture.reports.indexForSearch();
    const fresh = (await c.write("$2", "guetteurs au parking", AT + 1000)).report;
    expect(await c.pending()).toBe(1);
    // The indexed report and the marked one, newest first, each once.
    expect(await c.found("guetteurs")).toEqual([fresh.ref, older.ref]);
    expect(await c.found("parking")).toEqual([fresh.ref]);
    expect(await c.capture.reports.indexForSearch()).toBe(1);
    expect(await c.pending()).toBe(0);
    expect(await c.found("guetteurs")).toEqual([fresh.ref, older.ref]);
    expect(await c.found("parking")).toEqual([fresh.ref]);
    expect(await c.capture.reports.indexForSearch()).toBe(0);
  });

  it("an amended report is found by its new words, not its old ones, before and after indexing", async () => {
    const c = await cell();
    const report = (await c.write("$1", "vente de résine")).report;
    await c.capture.reports.indexForSearch();
    const changed = { ...report.fields, text: "vente de cocaïne" };
    await c.capture.write.amend(report.id, "update", changed, "@ggd:t", AT + 2000, "$2");
    expect(await c.found("resine")).toEqual([]);
    expect(await c.found("cocaine")).toEqual([report.ref]);
    await c.capture.reports.indexForSearch();
    expect(await c.found("resine")).toEqual([]);
    expect(await c.found("cocaine")).toEqual([report.ref]);
    // Amended twice before any batch: still one entry, the latest words.
    await c.capture.write.amend(report.id, "update", { ...changed, text: "vente d'héroïne" }, "@ggd:t", AT + 3000, "$3");
    await c.capture.write.amend(report.id, "update", { ...changed, text: "vente d'ecstasy" }, "@ggd:t", AT + 4000, "$4");
    await c.capture.reports.indexForSearch();
    expect(await c.found("heroine")).toEqual([]);
    expect(await c.found("ecstasy")).toEqual([report.ref]);
    expect(await c.found("vente")).toEqual([report.ref]);
  });

  it("a purged report leaves the index whether or not it was indexed yet", async () => {
    const c = await cell();
    const indexed = (await c.write("$1", "go fast autoroute")).report;
    await c.capture.reports.indexForSearch();
    const marked = (await c.write("$2", "go fast nationale", AT + 1000)).report;
    await c.db.run("DELETE FROM report_versions WHERE report_id IN (?, ?)", [indexed.id, marked.id]);
    await c.db.run("DELETE FROM report_entities WHERE report_id IN (?, ?)", [indexed.id, marked.id]);
    await c.db.run("DELETE FROM outbox WHERE report_id IN (?, ?)", [indexed.id, marked.id]);
    await c.db.run("DELETE FROM reports WHERE id IN (?, ?)", [indexed.id, marked.id]);
    expect(await c.pending()).toBe(0);
    expect(await c.found("fast")).toEqual([]);
    // The index is consistent: FTS5's own check passes.
    await c.db.run("INSERT INTO reports_fts (reports_fts) VALUES ('integrity-check')");
  });

  it("the indexer indexes what a stop left marked, at start, and what is left, on stop", async () => {
    const c = await cell();
    await c.write("$1", "guetteurs");
    const log = pino({ level: "silent" });
    const indexer = startSearchIndexer(c.capture.reports, log, 60_000);
    await indexer.flush();
    expect(await c.pending()).toBe(0);
    await c.write("$2", "nourrice", AT + 1000);
    expect(await c.pending()).toBe(1);
    await indexer.stop();
    expect(await c.pending()).toBe(0);
    expect(await c.found("nourrice")).toHaveLength(1);
  });
});
