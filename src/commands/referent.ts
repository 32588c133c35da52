import { z } from "zod";
import * as matters from "../app/matters.js";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";

type Result = { ok: boolean; message: Message };

/** `!referent …`: ad-hoc referents, one matter, one room, for a limited time (coordinator). */
export const referent = defineCommand({
  name: "referent",
  aliases: [],
  summary: "Référents : inviter sur une affaire, partager, retirer, prolonger, clore (coordinateur).",
  details: [
    "!referent inviter <@utilisateur> <réf… | \"sujet\"> <durée> : salon dédié, chiffré (durée : 30j ou jusqu'au 15/01) ; un sujet entre guillemets ouvre l'affaire sans rien partager encore.",
    "Le référent peut y écrire : son message devient une information à coter, visible du coordinateur seul (diffusez-la avec !maj <réf> diffusion=…).",
    "!referent partager <salon> <réf> · !referent retirer <salon> <réf>",
    "!referent prolonger <salon> <durée> · !referent clore <salon>",
  ],
  roles: COORDINATOR_ONLY,
  params: [
    { name: "action", description: "inviter, partager, retirer, prolonger ou clore" },
    { name: "suite", description: 'utilisateur, salon, références ou "sujet", durée', optional: true, rest: true },
  ],
  schema: z.object({ action: z.string(), suite: z.string().optional() }),
  async execute(invocation, deps: { matters: matters.MatterDeps }): Promise<Result> {
    const by = invocation.sender.userId;
    const now = invocation.sentAt;
    const rest = invocation.rawArgs.trim();
    const [verb = "", ...words] = rest.split(/\s+/);
    const [salon = "", ...more] = words;
    const tail = more.join(" ");
    switch (verb.toLowerCase()) {
      case "inviter":
        return matters.invite(deps.matters, by, words.join(" "), now);
      case "partager":
        return matters.shareMore(deps.matters, by, salon, tail, now);
      case "retirer":
        return matters.unshare(deps.matters, by, salon, tail, now);
      case "prolonger":
        return matters.extend(deps.matters, by, salon, tail, now);
      case "clore":
      case "fermer":
        return matters.close(deps.matters, by, salon, now);
      default:
        return {
          ok: false,
          message: message(
            line("Action inconnue « ", verb, " » : inviter, partager, retirer, prolonger ou clore."),
            line(
              "Ex. ",
              code("!referent inviter @nom:serveur 88-2026-00001 30j"),
              " ou ",
              code('!referent inviter @nom:serveur "squat rue X" 30j'),
              ".",
            ),
          ),
        };
    }
  },
  render: (result: Result) => result.message,
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});

/** `!referents`: the matters in progress, their referents and expiries. */
export const referents = defineCommand({
  name: "referents",
  aliases: ["affaires"],
  summary: "Affaires partagées en cours : référents, échéances, renseignements partagés (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [],
  schema: z.object({}),
  execute: (invocation, deps: { matters: Pick<matters.MatterDeps, "matters" | "timeZone"> }): Promise<Result> =>
    Promise.resolve(matters.list(deps.matters, invocation.sentAt)),
  render: (result: Result) => result.message,
});
