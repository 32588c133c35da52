import { describe, expect, it } from "vitest";
import {
  bullets,
  code,
  escapeMarkdown,
  fitMessage,
  line,
  MESSAGE_BUDGET_BYTES,
  message,
  messageBytes,
  splitMessage,
  strong,
  toHtml,
  toMarkdown,
  toPlain,
} from "../../src/core/message.js";
import { noticeContent, threadOf } from "../../src/matrix/content.js";

const hostile = [
  `<script>alert(1)</script>`,
  `<img src="http://evil.example/x.png">`,
  `<a href="javascript:alert(1)">x</a>`,
  `<mx-reply><blockquote>faux</blockquote></mx-reply>`,
  `${"<b>".repeat(200)}deep`,
  `@room`,
];

describe("message rendering", () => {
  it.each(hostile)("escapes %j everywhere it can appear", (text) => {
    const html = toHtml(message(line(text, strong(text), code(text)), bullets([[text]])));
    expect(html).not.toMatch(/<(script|img|a|mx-reply|b)[\s>]/);
    expect(html).not.toContain('javascript:alert(1)">');
    expect(toPlain(message(line(text)))).toBe(text);
  });

  it("builds only allow-listed tags", () => {
    const html = toHtml(message(line(strong("Réf "), code("88-2026-0042")), bullets([["a"], ["b"]])));
    const tags = [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(["strong", "code", "br", "ul", "li"]));
  });

  it("gives a readable plain body", () => {
    expect(toPlain(message(line("Commandes"), bullets([[code("!aide"), " — aide"]])))).toBe("Commandes\n• !aide — aide");
  });
});

describe("noticeContent", () => {
  it("is a threaded m.notice that pings no one", () => {
    const content = noticeContent(message(line("@room hello")), { eventId: "$cmd", threadRootId: "$root" });
    expect(content).toMatchObject({
      msgtype: "m.notice",
      body: "@room hello",
      format: "org.matrix.custom.html",
      "m.mentions": {},
      "m.relates_to": { rel_type: "m.thread", event_id: "$root", is_falling_back: true, "m.in_reply_to": { event_id: "$cmd" } },
    });
  });

  it("answers inside the thread a command was typed in", () => {
    expect(threadOf("$cmd", { "m.relates_to": { rel_type: "m.thread", event_id: "$root" } })).toEqual({
      eventId: "$cmd",
      threadRootId: "$root",
    });
    expect(threadOf("$cmd", {})).toEqual({ eventId: "$cmd", threadRootId: "$cmd" });
  });
});

describe("answers that fit the homeserver's event size", () => {
  const item = (i: number) => [
    code(`88-2026-${10_000 + i}`),
    ` Point de deal · Épinal · <mardi> & "guetteurs" n°${i} `.repeat(3),
  ];

  it("splits a long list into messages that each fit, keeping every item in order", () => {
    const long = message(line(strong("Synthèse")), bullets(Array.from({ length: 600 }, (_, i) => item(i))), line("fin"));
    expect(messageBytes(long)).toBeGreaterThan(MESSAGE_BUDGET_BYTES);
    const parts = splitMessage(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(messageBytes(part)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
      expect(Buffer.byteLength(JSON.stringify(noticeContent(part)))).toBeLessThan(65_536);
    }
    expect(parts.map(toPlain).join("\n")).toBe(toPlain(long));
  });

  it("carries one line longer than a message over several, losing no word", () => {
    const text = Array.from({ length: 30_000 }, (_, i) => `mot${i}`).join(" ");
    const parts = splitMessage(message(line(text)));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(messageBytes(part)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(parts.map(toPlain).join("")).toBe(text);
  });

  it("cuts a message that must stay one (a card) with a mark, under the limit", () => {
    const card = message(line("📌 88-2026-12345"), line("é&<".repeat(40_000)));
    const fitted = fitMessage(card);
    expect(messageBytes(fitted)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(toPlain(fitted)).toContain("📌 88-2026-12345");
    expect(toPlain(fitted)).toContain("tronqué");
    expect(Buffer.byteLength(JSON.stringify(noticeContent(card)))).toBeLessThan(65_536);
  });

  it("leaves a message that fits untouched", () => {
    const short = message(line("Renseignement enregistré"));
    expect(splitMessage(short)).toEqual([short]);
    expect(fitMessage(short)).toBe(short);
  });
});

describe("Markdown export", () => {
  it.each([
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[cliquez](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "# titre injecté",
  ])("makes %s inert text", (payload) => {
    const out = toMarkdown(message(line("Point : ", payload), bullets([[payload]])));
    expect(out).not.toMatch(/<(script|img)/i);
    expect(out).not.toMatch(/(^|[^\\])\]\(/); // no unescaped "](": never a link or an image
    expect(out).not.toMatch(/^#/m);
    expect(escapeMarkdown(payload)).not.toContain("<");
  });
});
