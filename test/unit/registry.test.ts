import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aide } from "../../src/commands/aide.js";
import { buildRegistry } from "../../src/commands/index.js";
import { bindArguments, CommandRegistry } from "../../src/commands/registry.js";
import { COORDINATOR_ONLY, defineCommand } from "../../src/core/command.js";
import { Directory } from "../../src/core/directory.js";
import { message } from "../../src/core/message.js";
import { toPlain } from "../../src/core/message.js";

const secret = defineCommand({
  name: "audit",
  aliases: ["journal"],
  summary: "Journal (coordinateur)",
  roles: COORDINATOR_ONLY,
  params: [
    { name: "ref", description: "référence" },
    { name: "motif", description: "raison", rest: true, optional: true },
  ],
  schema: z.object({
    ref: z.string().regex(/^88-\d{4}-\d{4}$/, "référence attendue, ex. 88-2026-0042"),
    motif: z.string().optional(),
  }),
  execute: () => null,
  render: () => message(),
});

describe("CommandRegistry", () => {
  it("refuses a name or alias used twice", () => {
    expect(() => new CommandRegistry([aide, { ...secret, aliases: ["Aide"] }])).toThrow(/aide/);
  });

  it("finds commands by alias, without case or accents", () => {
    const registry = new CommandRegistry([aide, secret]);
    expect(registry.find("HELP")?.name).toBe("aide");
    expect(registry.find("journal")?.name).toBe("audit");
    expect(registry.find("nope")).toBeUndefined();
  });

  it("suggests a close name the sender may use, and nothing otherwise", () => {
    const registry = new CommandRegistry([aide, secret]);
    expect(registry.suggest("aid", "officer")).toBe("aide");
    expect(registry.suggest("audti", "coordinator")).toBe("audit");
    expect(registry.suggest("audti", "officer")).toBeNull();
    expect(registry.suggest("xyzzy", "officer")).toBeNull();
  });
});

describe("bindArguments", () => {
  it("binds positional words and the rest of the line", () => {
    expect(bindArguments(secret, "88-2026-0042 demande du parquet")).toEqual({
      ok: true,
      args: { ref: "88-2026-0042", motif: "demande du parquet" },
    });
  });
  it("explains a missing or invalid argument with the usage", () => {
    const missing = bindArguments(secret, "");
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems.join("\n")).toMatch(/il manque « ref ».*\n.*usage : !audit <ref> \[motif…\]/s);
    const invalid = bindArguments(secret, "42");
    if (!invalid.ok) expect(invalid.problems[0]).toContain("ex. 88-2026-0042");
    else expect.unreachable();
  });
  it("refuses extra words for a command without free text", () => {
    const result = bindArguments(aide, "ping encore");
    expect(result.ok).toBe(false);
  });
});

const invocationBase = { roomKey: "ddsp", roomId: "!r", eventId: "$e", threadRoot: "$e", rawArgs: "", sentAt: 0 };

describe("!aide", () => {
  const registry = buildRegistry();
  const directory = new Directory({
    services: [
      { key: "ggd", name: "GGD", role: "coordinator", members: ["@c:x"] },
      { key: "ddsp", name: "DDSP", role: "partner", members: ["@o:x"] },
    ],
    referents: [{ user_id: "@r:x", name: "Réf" }],
    rooms: [],
  });
  const help = async (userId: string, commande?: string) => {
    const sender = directory.identify(userId);
    if (!sender) throw new Error("unknown");
    const result = await aide.execute({ ...invocationBase, args: { commande }, sender }, { catalog: registry });
    return toPlain(aide.render(result));
  };

  it("lists every command with its usage and summary, generated from the registry", async () => {
    const text = await help("@o:x");
    for (const command of registry.availableTo("officer")) expect(text).toContain(command.summary);
    expect(text).toContain("!aide [commande]");
  });

  it("lists only what the sender may use", async () => {
    const withSecret = new CommandRegistry([aide, secret]);
    const officer = directory.identify("@o:x");
    const coordinator = directory.identify("@c:x");
    if (!officer || !coordinator) throw new Error("unknown");
    const list = async (sender: typeof officer) =>
      toPlain(aide.render(await aide.execute({ ...invocationBase, args: {}, sender }, { catalog: withSecret })));
    expect(await list(officer)).not.toContain("!audit");
    expect(await list(coordinator)).toContain("!audit <ref> [motif…]");
  });

  it("details one command, with its aliases", async () => {
    const text = await help("@o:x", "!help");
    expect(text).toContain("!aide [commande]");
    expect(text).toContain("!help");
  });
});
