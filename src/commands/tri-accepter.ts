import type { CaptureDeps } from "../app/capture-deps.js";
import { confirmationFor, diffusionLine } from "../app/confirm.js";
import type { Invocation } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import { DEFAULT_DIFFUSION } from "../core/report/diffusion.js";
import { mergeEntities, placeEntity } from "../core/report/fields.js";
import { UNGRADED } from "../core/report/grading.js";
import { parseFieldsOnto } from "../core/report/parse-line.js";
import { isComplete, type ReportDraft } from "../core/report/report.js";
import { renderProblems } from "../core/report/render.js";
import { tipEntities } from "../core/tips/hints.js";
import { tipRef } from "../jobs/tips-queue.js";
import type { StoredTip } from "../store/tips.js";
import { alreadyDecided, findTip, type TriDeps, triVerb } from "./tri-shared.js";

export type AccepterResult = { ok: true; message: Message } | { ok: false; message: Message };

/**
 * `!tri accepter <n°> [champs…]`: the tip becomes a graded report through the usual capture path
 * (fields, cotation, diffusion, fan-out, cross-references); the citizen's text stays as its source.
 */
export async function accepter(
  rest: string,
  invocation: Invocation<unknown>,
  deps: { capture: CaptureDeps; tips: TriDeps },
): Promise<AccepterResult> {
  const { capture, tips } = deps;
  const [number, ...more] = rest.split(/\s+/);
  const found = await findTip(number, tips.store);
  if (!found.ok) return { ok: false, message: message(line(found.error)) };
  const tip = found.tip;
  if (invocation.sender.kind === "referent") return { ok: false, message: message(line("Réservé au coordinateur.")) };

  const existing = await capture.reports.bySourceEvent(invocation.eventId);
  if (existing) {
    await record(tip, existing.ref, invocation, tips);
    return { ok: true, message: confirmationFor(existing, [], invocation.roomKey, capture, "Signalement accepté") };
  }
  if (tip.status !== "pending") return { ok: false, message: message(line(alreadyDecided(tip))) };

  const ctx = capture.captureContext(new Date(invocation.sentAt));
  const type = ctx.types.some((t) => t.key === tip.fields.kind) ? tip.fields.kind : undefined;
  const base: ReportDraft = {
    ...(type ? { type } : {}),
    commune: { code: tip.fields.communeCode, nom: tip.fields.communeNom },
    place: tip.fields.place || null,
    observedAt: new Date(tip.receivedAt).toISOString(),
    observedPrecision: "day",
    grade: UNGRADED,
    diffusion: DEFAULT_DIFFUSION,
    substances: [],
    peopleCount: tip.fields.people,
    entities: [],
    text: sourceText(tip),
  };
  const parsed = parseFieldsOnto(more.join(" "), base, ctx);
  if (parsed.problems.length > 0 || !isComplete(parsed.draft)) {
    const problems = parsed.problems.length > 0 ? parsed.problems : [{ message: "Précisez le type, ex. type=deal." }];
    return { ok: false, message: renderProblems(problems, `!tri accepter ${rest}`, null) };
  }
  const place = parsed.draft.place ? placeEntity(parsed.draft.place, parsed.draft.commune.code) : null;
  const fields = {
    ...parsed.draft,
    entities: mergeEntities(parsed.draft.entities, [...tipEntities(tip.fields), ...(place ? [place] : [])]),
  };
  const sender = invocation.sender;
  const { report, diffusion: status } = await capture.write.create({
    sourceEventId: invocation.eventId,
    roomId: invocation.roomId,
    roomKey: invocation.roomKey,
    service: sender.service.key,
    author: sender.userId,
    fields,
    at: invocation.sentAt,
  });
  await record(tip, report.ref, invocation, tips);
  const confirmation = confirmationFor(report, parsed.notes, invocation.roomKey, capture, `Signalement n° ${tip.number} accepté`);
  return { ok: true, message: message(...confirmation.blocks, ...diffusionLine(status).blocks) };
}

async function record(tip: StoredTip, ref: string, invocation: Invocation<unknown>, tips: TriDeps) {
  const decided = await tips.store.decide(tip.id, {
    status: "accepted",
    by: invocation.sender.userId,
    at: invocation.sentAt,
    note: null,
    reportRef: ref,
  });
  if (!decided) return;
  await tips.journal({
    at: invocation.sentAt,
    actor: invocation.sender.userId,
    action: "modify",
    ref: tipRef(tip.number),
    room: invocation.roomKey,
    detail: `signalement accepté : devient ${ref}`,
  });
  tips.kick();
}

/** The citizen's words, kept as the report's source text. */
function sourceText(tip: StoredTip): string {
  const f = tip.fields;
  const parts = [`[Signalement citoyen n° ${tip.number}] ${f.description.replace(/\n+/g, " ")}`];
  if (f.when) parts.push(`Quand : ${f.when}`);
  if (f.vehicles) parts.push(`Véhicules : ${f.vehicles}`);
  return parts.join(" — ");
}

export const triAccepter = triVerb(
  {
    name: "accepter",
    aliases: ["accepte", "accept"],
    summary: "Le signalement devient un renseignement coté et diffusé (champs facultatifs).",
    details: ['Ex. !tri accepter 12 type=deal cotation=C3 diffusion=cross lieu="parking de la gare"'],
    params: [
      { name: "n°", description: "numéro du signalement" },
      { name: "champs", description: "type, cotation, diffusion, lieu…", optional: true, rest: true },
    ],
  },
  accepter,
);
