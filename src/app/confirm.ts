import { code, line, message, type Message, strong } from "../core/message.js";
import { renderConfirmation } from "../core/report/render.js";
import type { StoredReport } from "../store/reports.js";
import type { CaptureDeps } from "./capture-deps.js";

/**
 * The confirmation of a stored report, as the room it goes to may see it: the full detail when the
 * diffusion policy lets that room see the report, otherwise the reference alone (an officer who
 * reports `diffusion=service` from the coordination room must not expose it there).
 */
/** One line on where the report is going, or that it waits for the diffusion queue. */
export function diffusionLine(status: { rooms: number; pending: boolean }): Message {
  if (status.rooms === 0) return message(line("Diffusion : aucun autre salon."));
  if (status.pending) {
    return message(line("⏳ Enregistré ; diffusion en attente (file de diffusion indisponible) : elle partira automatiquement."));
  }
  return message(line(`📤 Diffusion vers ${status.rooms} salon${status.rooms > 1 ? "s" : ""}.`));
}

export function confirmationFor(
  report: StoredReport,
  notes: readonly string[],
  roomKey: string,
  capture: Pick<CaptureDeps, "roomMaySee" | "vocabulary">,
  heading?: string,
): Message {
  if (capture.roomMaySee({ service: report.service, diffusion: report.fields.diffusion, ref: report.ref }, roomKey)) {
    return renderConfirmation(report.ref, report.fields, notes, capture.vocabulary, heading);
  }
  return message(
    line(strong(`${heading ?? "Renseignement enregistré"} : `), code(report.ref)),
    line("Sa diffusion ne permet pas de l'afficher dans ce salon : consultez-le dans le salon de votre service."),
  );
}
