import { describe, expect, it } from "vitest";
import { bullets, code, line, message, strong, toHtml, toPlain } from "../../src/core/message.js";
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
