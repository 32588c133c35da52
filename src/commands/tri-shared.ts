import { z } from "zod";
import { type Command, COORDINATOR_ONLY, defineCommand, type Invocation } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";
import type { CardContext } from "../core/tips/card.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { StoredTip, TipStore } from "../store/tips.js";

/** What the `!tri` commands need besides the capture services. */
export interface TriDeps {
  store: TipStore;
  triageRoomKey: string;
  card: CardContext;
  rejectedRetentionDays: number;
  /** Publishes the receipt views soon (the citizen reads the questions through Redis). */
  kick(): void;
  journal(entry: NewAuditEntry): Promise<void>;
}

export type Found = { ok: true; tip: StoredTip } | { ok: false; error: string };

/** `12`, `n°12`, `#12`: the tip, or a French explanation. */
export async function findTip(typed: string | undefined, store: TipStore): Promise<Found> {
  const digits = (typed ?? "").replace(/^(n°|no|n|#)/i, "");
  if (!/^\d{1,9}$/.test(digits)) return { ok: false, error: `Numéro de signalement attendu (ex. 12), pas « ${typed ?? ""} ».` };
  const tip = await store.byNumber(Number(digits));
  if (!tip) return { ok: false, error: `Aucun signalement citoyen n° ${digits}. Tapez !tri pour la liste.` };
  return { ok: true, tip };
}

const STATUS_TEXT: Record<StoredTip["status"], string> = {
  pending: "en attente",
  accepted: "accepté",
  rejected: "rejeté",
  duplicate: "classé en doublon",
};

/** A tip already decided cannot be decided again: say how it was. */
export function alreadyDecided(tip: StoredTip): string {
  const extra = tip.reportRef ? ` (${tip.reportRef})` : "";
  return `Le signalement n° ${tip.number} est déjà ${STATUS_TEXT[tip.status]}${extra}.`;
}

/** The triage room check every `!tri` verb makes first. */
export function outsideTriage(roomKey: string, tips: Pick<TriDeps, "triageRoomKey">): Message | null {
  return roomKey === tips.triageRoomKey ? null : message(line("La commande ", code("!tri"), " s'utilise dans le salon de tri."));
}

/**
 * A `!tri` sub-verb (accepter, rejeter, doublon, question): a command of its own, for the
 * coordinator in the triage room, whose decision reads the line after the verb.
 */
export function triVerb<D extends { tips: TriDeps }>(
  spec: Pick<
    Command<Record<string, string | undefined>, DecisionResult, D>,
    "name" | "aliases" | "summary" | "details" | "params"
  >,
  decide: (rest: string, invocation: Invocation<unknown>, deps: D) => Promise<DecisionResult>,
): Command<Record<string, string | undefined>, DecisionResult, D> {
  return defineCommand({
    ...spec,
    roles: COORDINATOR_ONLY,
    schema: z.record(z.string(), z.string().optional()),
    async execute(invocation, deps: D): Promise<DecisionResult> {
      const refused = outsideTriage(invocation.roomKey, deps.tips);
      if (refused) return { ok: false, message: refused };
      return decide(invocation.rawArgs.trim(), invocation, deps);
    },
    render: (result) => result.message,
    verdict: (result) => (result.ok ? "ok" : "ko"),
  });
}

export type DecisionResult = { ok: boolean; message: Message };
