import { describe, expect, it } from "vitest";
import { parseCommandLine, splitWords } from "../../src/core/command-line.js";

const bot = { userId: "@crossbot:cross.test", displayName: "Bot CROSS 88" };

describe("parseCommandLine", () => {
  it.each([
    ["!aide", "aide", "", "!"],
    ["/aide", "aide", "", "/"],
    ["//aide", "aide", "", "//"],
    ["!aide report", "aide", "report", "!"],
    ["/report type=deal commune=epinal", "report", "type=deal commune=epinal", "/"],
    ["//digest 7j", "digest", "7j", "//"],
    ["  !ping", "ping", "", "!"],
    ["\u00a0!ping", "ping", "", "!"],
    ["!Aide", "aide", "", "!"],
    ["!SYNTHÈSE semaine", "synthese", "semaine", "!"],
    ["!aide\u00a0ping", "aide", "ping", "!"],
    ["crossbot: aide", "aide", "", "mention"],
    ["crossbot aide", "aide", "", "mention"],
    ["CrossBot, !ping", "ping", "", "mention"],
    ["@crossbot:cross.test ping", "ping", "", "mention"],
    ["@crossbot:cross.test: !aide ping", "aide", "ping", "mention"],
    ["Bot CROSS 88: aide", "aide", "", "mention"],
    ["Bot CROSS 88 //aide", "aide", "", "mention"],
    ["> <@lt.perrin:cross.test> !report type=deal\n\n!aide", "aide", "", "!"],
  ])("%j → %s %j via %s", (body, name, args, via) => {
    expect(parseCommandLine(body, bot)).toEqual({ name, args, via });
  });

  it.each([
    "bonjour",
    "on en parle demain !",
    "! aide",
    "!",
    "/",
    "//",
    "crossbotaide",
    "le crossbot: aide",
    "http://example.org/aide",
    "",
    "!!!",
  ])("%j is not a command", (body) => {
    expect(parseCommandLine(body, bot)).toBeNull();
  });
});

describe("splitWords", () => {
  it("keeps quoted phrases together whatever the quotes", () => {
    expect(splitWords(`a "b c" “d e” « f g » ‘h i’ j`)).toEqual(["a", "b c", "d e", "f g", "h i", "j"]);
  });
  it("keeps apostrophes inside words", () => {
    expect(splitWords("l'entrée aujourd'hui")).toEqual(["l'entrée", "aujourd'hui"]);
  });
});
