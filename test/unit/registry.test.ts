import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aide } from "../../src/commands/aide.js";
import { buildRegistry } from "../../src/commands/index.js";
import { bind, bindArguments, CommandRegistry } from "../../src/commands/registry.js";
import { asReply, COORDINATOR_ONLY, defineCommand } from "../../src/core/command.js";
import { Directory } from "../../src/core/directory.js";
import { message } from "../../src/core/message.js";
import { toPlain } from "../../src/core/message.js";
import { reunionAnnuler } from "../../src/commands/reunion-annuler.js";

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

// The catalog `!aide` reads is given by the test itself where needed.
const none = () => ({ catalog: { availableTo: () => [], find: () => undefined, verbsOf: () => [] } });

describe("CommandRegistry", () => {
  it("refuses a name or alias used twice", () => {
    expect(() => new CommandRegistry([bind(aide, none), bind({ ...secret, aliases: ["Aide"] }, none)])).toThrow(/aide/);
  });

  it("finds commands by alias, without case or accents", () => {
    const registry = new CommandRegistry([bind(aide, none), bind(secret, none)]);
    expect(registry.find("HELP")?.name).toBe("aide");
    expect(registry.find("journal")?.name).toBe("audit");
    expect(registry.find("nope")).toBeUndefined();
  });

  it("suggests a close name the sender may use, and nothing otherwise", () => {
    const registry = new CommandRegistry([bind(aide, none), bind(secret, none)]);
    expect(registry.suggest("aid", "officer")).toBe("aide");
    expect(registry.suggest("audti", "coordinator")).toBe("audit");
    expect(registry.suggest("audti", "officer")).toBeNull();
    expect(registry.suggest("xyzzy", "officer")).toBeNull();
  });
});

describe("sub-verbs", () => {
  const registry = buildRegistry();
  it("are resolved on the first word after their command, without case or accents", () => {
    const moved = registry.resolve("reunion", "Déplacer 3 16/12 10h");
    expect(moved?.command.name).toBe("reunion deplacer");
    expect(moved?.argText).toBe("3 16/12 10h");
    expect(registry.resolve("meeting", "annuler 3")?.command.name).toBe("reunion annuler");
    expect(registry.resolve("tri", "accepte 12 type=deal")?.command.name).toBe("tri accepter");
    expect(registry.resolve("cr", "export")?.command.name).toBe("cr export");
    // Anything else is the command's own text.
    const scheduled = registry.resolve("reunion", "15/12 14h salle du COB");
    expect(scheduled?.command.name).toBe("reunion");
    expect(scheduled?.argText).toBe("15/12 14h salle du COB");
  });
  it("have their own usage in argument errors", () => {
    const resolved = registry.resolve("reunion", "deplacer");
    if (!resolved) throw new Error("not resolved");
    const bound = bindArguments(resolved.command, resolved.argText);
    expect(bound.ok).toBe(false);
    if (!bound.ok) expect(bound.problems.at(-1)).toBe("usage : !reunion deplacer <n°> <date…>");
  });
  it("refuses a verb name used twice under one command", () => {
    expect(
      () => new CommandRegistry([bind(aide, none, [bind(secret, none), bind({ ...secret, name: "journal" }, none)])]),
    ).toThrow(/verb "journal" used twice/);
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
    const result = bindArguments(reunionAnnuler, "3 demain");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toContain("« demain » n'est pas attendu");
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
    return toPlain(asReply(aide.render(result)).message);
  };

  it("lists every command with its usage and summary, generated from the registry", async () => {
    const text = await help("@o:x");
    for (const command of registry.availableTo("officer")) expect(text).toContain(command.summary);
    expect(text).toContain("!aide [commande…]");
  });

  it("names each command's sub-verbs in the list, and details them under their command", async () => {
    expect(await help("@c:x")).toMatch(/!reunion <date…> — .*Aussi : deplacer, annuler\./);
    const detail = await help("@c:x", "reunion");
    expect(detail).toContain("!reunion deplacer <n°> <date…> — Déplace une réunion programmée");
    expect(detail).toContain("!reunion annuler <n°>");
    const verb = await help("@c:x", "reunion deplacer");
    expect(verb.split("\n")[0]).toBe("!reunion deplacer <n°> <date…>");
    expect(verb).toContain("Ex. !reunion deplacer 3 16/12 10h");
    // An officer is not shown the coordinator's verbs.
    expect(await help("@o:x", "agenda")).not.toContain("ajouter");
  });

  it("lists only what the sender may use", async () => {
    const withSecret = new CommandRegistry([bind(aide, none), bind(secret, none)]);
    const officer = directory.identify("@o:x");
    const coordinator = directory.identify("@c:x");
    if (!officer || !coordinator) throw new Error("unknown");
    const list = async (sender: typeof officer) =>
      toPlain(asReply(aide.render(await aide.execute({ ...invocationBase, args: {}, sender }, { catalog: withSecret }))).message);
    expect(await list(officer)).not.toContain("!audit");
    expect(await list(coordinator)).toContain("!audit <ref> [motif…]");
  });

  it("details one command, with its aliases", async () => {
    const text = await help("@o:x", "!help");
    expect(text).toContain("!aide [commande…]");
    expect(text).toContain("!help");
  });
});
