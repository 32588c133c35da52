import { z } from "zod";
import * as matters from "../app/matters.js";
import { type Command, COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";

type Result = { ok: boolean; message: Message };

type Deps = { matters: matters.MatterDeps };

/** `!referent`: what the coordinator can do with referents (each verb is a command of its own). */
export const referent = defineCommand({
  name: "referent",
  aliases: [],
  summary: "Référents : une affaire, un salon dédié, pour un temps limité (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "action", description: "inviter, partager, retirer, prolonger ou clore", optional: true, rest: true }],
  schema: z.object({ action: z.string().optional() }),
  execute: (invocation): Result => {
    const verb = invocation.args.action?.split(/\s+/)[0];
    return {
      ok: verb === undefined,
      message: message(
        line(verb ? `Action inconnue « ${verb} » : ` : "Actions : ", "inviter, partager, retirer, prolonger ou clore."),
        line("Ex. ", code("!referent inviter @nom:serveur 88-2026-00001 30j"), " · ", code("!aide referent"), "."),
        line("Ou sur un sujet : ", code('!referent inviter @nom:serveur "squat rue X" 30j'), "."),
      ),
    };
  },
  render: (result: Result) => result.message,
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});

/** A `!referent` sub-verb: coordinator only, the matter use case does the work. */
function matterVerb(
  spec: Pick<Command<Record<string, string>, Result, Deps>, "name" | "aliases" | "summary" | "details" | "params">,
  run: (deps: matters.MatterDeps, by: string, args: string[], rawArgs: string, now: number) => Promise<Result>,
): Command<Record<string, string>, Result, Deps> {
  return defineCommand({
    ...spec,
    roles: COORDINATOR_ONLY,
    schema: z.record(z.string(), z.string()),
    execute: (invocation, deps: Deps) =>
      run(
        deps.matters,
        invocation.sender.userId,
        invocation.rawArgs.trim().split(/\s+/),
        invocation.rawArgs.trim(),
        invocation.sentAt,
      ),
    render: (result) => result.message,
    verdict: (result) => (result.ok ? "ok" : "ko"),
  });
}

const salon = { name: "salon", description: "clé du salon de l'affaire (voir !referents)" };

export const referentInviter = matterVerb(
  {
    name: "inviter",
    aliases: ["invite"],
    summary: "Salon dédié, chiffré, pour un référent connu, sur les renseignements nommés, pour une durée.",
    details: [
      "Durée : 30j, 12h ou jusqu'au 15/01. Ex. !referent inviter @nom:serveur 88-2026-00001 30j",
      'Un sujet entre guillemets ouvre l\'affaire sans rien partager encore : !referent inviter @nom:serveur "squat rue X" 30j',
      "Le référent peut y écrire : son message devient une information à coter, visible du coordinateur seul (diffusez-la avec !maj <réf> diffusion=…).",
    ],
    params: [
      { name: "utilisateur", description: "identifiant Matrix du référent (@nom:serveur)" },
      { name: 'réf…|"sujet" durée', description: 'références à partager ou "sujet", puis la durée', rest: true },
    ],
  },
  (deps, by, _args, rawArgs, now) => matters.invite(deps, by, rawArgs, now),
);

export const referentPartager = matterVerb(
  {
    name: "partager",
    aliases: ["ajouter"],
    summary: "Partage un renseignement de plus avec une affaire.",
    params: [salon, { name: "réf", description: "référence du renseignement", rest: true }],
  },
  (deps, by, [room = "", ...rest], _raw, now) => matters.shareMore(deps, by, room, rest.join(" "), now),
);

export const referentRetirer = matterVerb(
  {
    name: "retirer",
    aliases: ["departager"],
    summary: "Retire un renseignement d'une affaire (sa fiche et son fil sont retirés du salon).",
    params: [salon, { name: "réf", description: "référence du renseignement", rest: true }],
  },
  (deps, by, [room = "", ...rest], _raw, now) => matters.unshare(deps, by, room, rest.join(" "), now),
);

export const referentProlonger = matterVerb(
  {
    name: "prolonger",
    aliases: ["prolonge"],
    summary: "Prolonge une affaire (30j, jusqu'au 15/01…).",
    params: [salon, { name: "durée", description: "30j, 12h ou jusqu'au 15/01", rest: true }],
  },
  (deps, by, [room = "", ...rest], _raw, now) => matters.extend(deps, by, room, rest.join(" "), now),
);

export const referentClore = matterVerb(
  {
    name: "clore",
    aliases: ["fermer"],
    summary: "Clôt une affaire : le référent est retiré du salon.",
    params: [salon],
  },
  (deps, by, [room = ""], _raw, now) => matters.close(deps, by, room, now),
);

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
