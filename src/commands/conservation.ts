import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { bullets, code, line, message, type Message, strong } from "../core/message.js";
import type { RetentionStore } from "../store/retention.js";

const DAY = 86_400_000;

export interface RetentionInfo {
  store: Pick<RetentionStore, "countDueBefore">;
  reportsDays: number;
  auditDays: number;
}

interface Due {
  reportsDays: number;
  auditDays: number;
  overdue: number;
  within30: number;
  within90: number;
}

export const conservation = defineCommand({
  name: "conservation",
  aliases: ["retention"],
  summary: "Durées de conservation et renseignements bientôt supprimés (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [],
  schema: z.object({}),
  async execute(invocation, deps: { retention: RetentionInfo }): Promise<Due> {
    const { reportsDays, auditDays } = deps.retention;
    const cutoff = (days: number) => invocation.sentAt - (reportsDays - days) * DAY;
    const [overdue = 0, within30 = 0, within90 = 0] = await deps.retention.store.countDueBefore([
      cutoff(0),
      cutoff(30),
      cutoff(90),
    ]);
    return { reportsDays, auditDays, overdue, within30: within30 - overdue, within90: within90 - overdue };
  },
  render(due: Due): Message {
    return message(
      line(strong("Conservation des données de la CROSS")),
      bullets([
        [
          `Renseignements : ${due.reportsDays} jours après leur dernière modification, puis suppression définitive (versions, entités, pièces jointes, fiches et alertes retirées des salons), journalisée.`,
        ],
        [`Journal d'audit : ${due.auditDays} jours.`],
      ]),
      line(strong("À venir")),
      bullets([
        [`${due.overdue} renseignement${due.overdue > 1 ? "s" : ""} à supprimer au prochain passage (toutes les 6 h)`],
        [`${due.within30} dans les 30 jours, ${due.within90} dans les 90 jours`],
      ]),
      line(
        "Durées fixées par l'arrêté de la cellule : ",
        code("retention.reports_days"),
        " et ",
        code("audit.retention_days"),
        ".",
      ),
    );
  },
});
