/**
 * The citizen's pages, in French, as small HTML documents: every value is escaped here, no inline
 * script or style (the CSP forbids them), labels and hints tied to their fields, errors listed at
 * the top with links to the fields and announced to screen readers.
 */
import escapeHtml from "escape-html";
import { type FieldName, LIMITS, type RawForm, TIP_KINDS } from "../core/tips/form.js";
import { formatReceipt } from "../core/tips/receipt.js";
import type { ReceiptView } from "../core/tips/wire.js";

const h = (text: string) => escapeHtml(text);

export interface PageContext {
  cellName: string;
  /** Names of the département's communes, for the browser's suggestions. */
  communes: readonly string[];
  maxPhotoMb: number;
  nojsLimit: { max: number; perHours: number };
}

function layout(ctx: PageContext, title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(title)} — ${h(ctx.cellName)}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header><div class="header"><p class="marque">République<br>française</p><p class="service">${h(ctx.cellName)}<small>Signalement de trafic de stupéfiants</small></p></div></header>
<main id="contenu">
${body}
</main>
<footer><div><p>Ce site ne dépose aucun cookie, ne charge rien d'un autre site et ne conserve pas votre adresse IP.</p><p><a href="/">Faire un signalement</a> · <a href="/suivi">Suivre un signalement avec son code</a></p></div></footer>
</body>
</html>
`;
}

const EMERGENCY = `<div class="alerte" role="note"><p><strong>Ce formulaire n'est pas un numéro d'urgence.</strong></p><p>En cas de danger immédiat, appelez le <strong>17</strong> (police, gendarmerie) ou le <strong>112</strong>.</p></div>`;

export interface FormState {
  values: Partial<RawForm> & { garder_position?: boolean };
  errors: Partial<Record<FieldName | "general", string>>;
  /** The proof-of-work challenge (altcha-lib), as JSON for the script. */
  challenge: string;
  /** One-time token: the same form sent twice is one tip. */
  token: string;
}

const FIELD_LABELS: Record<FieldName, string> = {
  commune: "Commune",
  lieu: "Lieu",
  nature: "Ce que vous avez constaté",
  quand: "Quand et à quelle fréquence",
  personnes: "Nombre de personnes",
  vehicules: "Véhicules",
  description: "Description",
  contact: "Moyen de vous recontacter",
  photo: "Photo",
};

export function formPage(ctx: PageContext, state: FormState): string {
  const { values, errors } = state;
  const errorList = Object.entries(errors).filter(([, v]) => v);
  const summary =
    errorList.length > 0
      ? `<div class="alerte" role="alert" tabindex="-1" id="erreurs"><p><strong>Le signalement n'est pas parti : ${errorList.length} point${errorList.length > 1 ? "s" : ""} à corriger.</strong></p><ul>${errorList
          .map(([field, text]) =>
            field === "general"
              ? `<li>${h(text ?? "")}</li>`
              : `<li><a href="#${h(field)}">${h(FIELD_LABELS[field as FieldName])} : ${h(text ?? "")}</a></li>`,
          )
          .join("")}</ul></div>`
      : "";
  const text = (name: Exclude<FieldName, "photo" | "nature" | "description">, hint: string, extra = "") => {
    const error = errors[name];
    return `<div class="champ${error ? " erreur" : ""}"><label for="${name}">${h(FIELD_LABELS[name])}${name === "commune" ? " (obligatoire)" : ""}<span class="aide" id="${name}-aide">${h(hint)}</span></label>
<input type="text" id="${name}" name="${name}" value="${h(values[name] ?? "")}" aria-describedby="${name}-aide${error ? ` ${name}-erreur` : ""}"${error ? ' aria-invalid="true"' : ""} ${extra}>${
      error ? `<p class="message-erreur" id="${name}-erreur">${h(error)}</p>` : ""
    }</div>`;
  };
  const natureError = errors.nature;
  const descriptionError = errors.description;
  const photoError = errors.photo;
  const body = `<h1>Signaler un trafic de stupéfiants</h1>
${summary}
${EMERGENCY}
<div class="info"><p><strong>Ce que devient votre signalement.</strong> Il est transmis à la cellule départementale de lutte contre les trafics (CROSS), qui le lit, le vérifie et décide des suites. Il ne vaut pas plainte.</p>
<p>Vous restez anonyme : aucun nom n'est demandé, votre adresse IP n'est pas conservée, aucun cookie n'est déposé. Après l'envoi, un <strong>code de suivi</strong> s'affiche une seule fois : il permet de lire les questions éventuelles de la cellule et d'y répondre.</p></div>
<form method="post" action="/signaler" enctype="multipart/form-data" data-pow="${h(state.challenge)}" novalidate>
<input type="hidden" name="envoi" value="${h(state.token)}">
<input type="hidden" name="altcha" value="">
${text("commune", "Nom de la commune, ex. Épinal, Saint-Dié-des-Vosges.", `list="communes" autocomplete="off" maxlength="${LIMITS.commune}" required aria-required="true"`)}
<datalist id="communes">${ctx.communes.map((c) => `<option value="${h(c)}"></option>`).join("")}</datalist>
${text("lieu", "Rue, quartier, parking, hall d'immeuble… (facultatif)", `maxlength="${LIMITS.place}" autocomplete="off"`)}
<fieldset class="${natureError ? "erreur" : ""}" id="nature" aria-describedby="nature-aide${natureError ? " nature-erreur" : ""}">
<legend>${h(FIELD_LABELS.nature)} (obligatoire)<span class="aide" id="nature-aide">Choisissez ce qui correspond le mieux.</span></legend>
${TIP_KINDS.map(
  (k, i) =>
    `<div class="choix"><input type="radio" id="nature-${i}" name="nature" value="${h(k.value)}"${values.nature === k.value ? " checked" : ""}><label for="nature-${i}">${h(k.label)}</label></div>`,
).join("\n")}
${natureError ? `<p class="message-erreur" id="nature-erreur">${h(natureError)}</p>` : ""}
</fieldset>
${text("quand", "Ex. tous les soirs vers 22 h, depuis un mois ; samedi dernier vers 15 h.", `maxlength="${LIMITS.when}" autocomplete="off"`)}
${text("personnes", "Combien de personnes environ ? Laissez vide si vous ne savez pas.", `inputmode="numeric" maxlength="3" autocomplete="off"`)}
${text("vehicules", "Marque, couleur, plaque si vous l'avez vue (facultatif).", `maxlength="${LIMITS.vehicles}" autocomplete="off"`)}
<div class="champ${descriptionError ? " erreur" : ""}"><label for="description">${h(FIELD_LABELS.description)} (obligatoire)<span class="aide" id="description-aide">Ce que vous avez vu ou entendu, avec vos mots. Ne vous mettez pas en danger pour en savoir plus.</span></label>
<textarea id="description" name="description" rows="6" maxlength="${LIMITS.description}" required aria-required="true" aria-describedby="description-aide${descriptionError ? " description-erreur" : ""}"${descriptionError ? ' aria-invalid="true"' : ""}>${h(values.description ?? "")}</textarea>${
    descriptionError ? `<p class="message-erreur" id="description-erreur">${h(descriptionError)}</p>` : ""
  }</div>
<div class="champ${photoError ? " erreur" : ""}"><label for="photo">${h(FIELD_LABELS.photo)} (facultatif)<span class="aide" id="photo-aide">JPEG, PNG ou WebP, ${ctx.maxPhotoMb} Mo au plus. Ses informations cachées (appareil, date, position) sont effacées.</span></label>
<input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp" aria-describedby="photo-aide${photoError ? " photo-erreur" : ""}"${photoError ? ' aria-invalid="true"' : ""}>${
    photoError ? `<p class="message-erreur" id="photo-erreur">${h(photoError)}</p>` : ""
  }
<div class="choix"><input type="checkbox" id="garder_position" name="garder_position" value="oui"${values.garder_position ? " checked" : ""}><label for="garder_position">Garder la position enregistrée dans la photo (elle aide à situer le lieu)</label></div></div>
${text("contact", "Facultatif : un téléphone ou une adresse électronique si vous acceptez d'être recontacté. Laissez vide pour rester anonyme.", `maxlength="${LIMITS.contact}" autocomplete="off"`)}
<p class="pow" id="pow-statut" role="status" aria-live="polite"></p>
<noscript><p class="pow">JavaScript est désactivé : l'envoi reste possible, mais limité à ${ctx.nojsLimit.max} signalement${ctx.nojsLimit.max > 1 ? "s" : ""} par ${ctx.nojsLimit.perHours > 1 ? `${ctx.nojsLimit.perHours} heures` : "heure"}.</p></noscript>
<button type="submit">Envoyer le signalement</button>
</form>
<script src="/static/pow.js"></script>`;
  return layout(ctx, errorList.length > 0 ? "Erreur — Signaler un trafic" : "Signaler un trafic", body);
}

export function receiptPage(ctx: PageContext, receipt: string): string {
  return layout(
    ctx,
    "Signalement envoyé",
    `<h1>Signalement envoyé</h1>
<div class="succes" role="status"><p><strong>Merci : votre signalement a bien été reçu.</strong> Il sera lu par la cellule.</p></div>
<h2>Votre code de suivi</h2>
<p class="recu" id="code-suivi">${h(formatReceipt(receipt))}</p>
<p><strong>Notez-le maintenant : il ne sera plus jamais affiché</strong> et personne ne peut le retrouver pour vous. Avec ce code, revenez sur la page <a href="/suivi">Suivre un signalement</a> pour lire les questions éventuelles de la cellule et y répondre, sans vous identifier.</p>
${EMERGENCY}
<p><a href="/">Faire un autre signalement</a></p>`,
  );
}

export function followPage(ctx: PageContext, error: string | null, typed = ""): string {
  return layout(
    ctx,
    error ? "Erreur — Suivre un signalement" : "Suivre un signalement",
    `<h1>Suivre un signalement</h1>
<p>Saisissez le code de suivi à 16 chiffres affiché après l'envoi de votre signalement.</p>
${error ? `<div class="alerte" role="alert"><p>${h(error)}</p></div>` : ""}
<form method="post" action="/suivi">
<div class="champ${error ? " erreur" : ""}"><label for="code">Code de suivi<span class="aide" id="code-aide">16 chiffres, ex. 1234 5678 9012 3456</span></label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="off" value="${h(typed)}" aria-describedby="code-aide"${error ? ' aria-invalid="true"' : ""}></div>
<button type="submit">Voir les questions</button>
</form>
${EMERGENCY}`,
  );
}

export function questionsPage(
  ctx: PageContext,
  state: { receipt: string; view: ReceiptView | null; token: string; error?: string; answer?: string },
): string {
  const { view } = state;
  let content: string;
  if (view === null) {
    content = `<div class="info" role="status"><p>Votre signalement est bien reçu ; il est en cours de transmission à la cellule. Revenez plus tard pour voir si elle vous pose des questions.</p></div>`;
  } else {
    const open = view.questions.filter((q) => !q.answered);
    const list =
      view.questions.length === 0
        ? `<p>La cellule ne vous a posé aucune question pour l'instant. Revenez plus tard.</p>`
        : `<h2>Questions de la cellule</h2>${view.questions
            .map(
              (q) =>
                `<div class="question"><p>${h(q.text)}</p><p class="aide">${q.answered ? "Répondue." : "En attente de votre réponse."}</p></div>`,
            )
            .join("")}`;
    const form =
      open.length > 0 && !view.closed
        ? `<form method="post" action="/repondre">
<input type="hidden" name="code" value="${h(state.receipt)}">
<input type="hidden" name="envoi" value="${h(state.token)}">
<div class="champ${state.error ? " erreur" : ""}"><label for="reponse">Votre réponse<span class="aide" id="reponse-aide">Répondez avec vos mots ; ne donnez votre identité que si vous le souhaitez.</span></label>
<textarea id="reponse" name="reponse" rows="5" maxlength="${LIMITS.description}" aria-describedby="reponse-aide${state.error ? " reponse-erreur" : ""}"${state.error ? ' aria-invalid="true"' : ""}>${h(state.answer ?? "")}</textarea>${
            state.error ? `<p class="message-erreur" id="reponse-erreur" role="alert">${h(state.error)}</p>` : ""
          }</div>
<button type="submit">Envoyer la réponse</button>
</form>`
        : view.closed
          ? `<p>Ce signalement a été traité par la cellule : il n'attend plus de réponse.</p>`
          : "";
    content = list + form;
  }
  return layout(ctx, "Suivi du signalement", `<h1>Suivi de votre signalement</h1>\n${content}\n${EMERGENCY}`);
}

export function answerSentPage(ctx: PageContext): string {
  return layout(
    ctx,
    "Réponse envoyée",
    `<h1>Réponse envoyée</h1>
<div class="succes" role="status"><p><strong>Merci : votre réponse a été transmise à la cellule.</strong></p></div>
<p>Gardez votre code de suivi : la cellule peut vous poser d'autres questions.</p>
<p><a href="/suivi">Retour au suivi</a></p>`,
  );
}

export function problemPage(
  ctx: PageContext,
  title: string,
  text: string,
  link = `<a href="/">Retour au formulaire</a>`,
): string {
  return layout(
    ctx,
    title,
    `<h1>${h(title)}</h1>\n<div class="alerte" role="alert"><p>${h(text)}</p></div>\n<p>${link}</p>\n${EMERGENCY}`,
  );
}
