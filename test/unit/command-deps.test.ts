import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { CommandDeps } from "../../src/commands/index.js";
import { bind, CommandRegistry } from "../../src/commands/registry.js";
import { ALL_ROLES, defineCommand } from "../../src/core/command.js";
import { line, message } from "../../src/core/message.js";

/** A service nobody provides: no composition root has it. */
interface Ghost {
  haunt(): string;
}

const needsGhost = defineCommand({
  name: "fantome",
  aliases: [],
  summary: "test",
  roles: ALL_ROLES,
  params: [],
  schema: z.object({}),
  execute: (_invocation, deps: { ghost: Ghost }) => deps.ghost.haunt(),
  render: (text: string) => message(line(text)),
});

const needsCaptureAndGhost = defineCommand({
  ...needsGhost,
  execute: (_invocation, deps: { capture: CommandDeps["capture"]; ghost: Ghost }) => deps.ghost.haunt(),
});

/**
 * The command contract is checked by the compiler: a command declares what it needs, its registry
 * entry maps it from the composition root, and a dependency nobody provides is a type error
 * (`tsc --noEmit`, run by `npm test`, fails if an `@ts-expect-error` below stops being an error).
 */
describe("command dependencies", () => {
  it("a command whose dependency the composition root does not provide does not compile", () => {
    // @ts-expect-error -- CommandDeps has no `ghost`: the entry cannot give the command what it needs.
    const entry = bind(needsGhost, (root: CommandDeps) => root);
    // @ts-expect-error -- a mapping that forgets the dependency is refused too.
    bind(needsGhost, (root: CommandDeps) => ({ capture: root.capture }));
    // @ts-expect-error -- a mapping that gives part of what is needed (the capture services, no ghost) is refused.
    bind(needsCaptureAndGhost, (root: CommandDeps) => ({ capture: root.capture }));
    expect(entry.command.name).toBe("fantome");
  });

  it("an entry that maps the dependency compiles, and the command gets exactly what it maps", async () => {
    const entry = bind(needsGhost, (root: { ghost: Ghost; secret: string }) => ({ ghost: root.ghost }));
    expectTypeOf(entry.deps).parameter(0).toEqualTypeOf<{ ghost: Ghost; secret: string }>();
    const registry = new CommandRegistry([entry]);
    const resolved = registry.resolve("fantome", "");
    const deps = resolved?.entry.deps({ ghost: { haunt: () => "bouh" }, secret: "s" });
    expect(deps).toEqual({ ghost: expect.anything() });
    expect(deps).not.toHaveProperty("secret");
  });
});
