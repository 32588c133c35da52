import type { CaptureContext, FieldName } from "../report/fields.js";
import { UNGRADED } from "../report/grading.js";
import { type FieldProblem, parseFieldsOnto, parseReportLine } from "../report/parse-line.js";
import type { ReportFields, ReportSource } from "../report/report.js";

/**
 * A referent's contribution read as report fields. Pure. The referent is not an officer: they do
 * not know the cell's types or its grid, and they decide neither the cotation nor the diffusion.
 * So the contribution is always ungraded (F6, to be graded by the coordinator) and diffused to the
 * coordinator's service only (`service` level, owned by the coordinator service): the matter room
 * sees it by a grant, nobody else until the coordinator widens it with `!maj … diffusion=…`.
 */

/** What the referent may say about these is set aside: the coordinator decides them. */
const DECIDED_BY_COORDINATOR: ReadonlySet<FieldName | "inconnu"> = new Set(["grade", "diffusion"]);
/** Filled in when the referent did not say (or said it vaguely): the coordinator corrects them. */
const FILLED_IN: ReadonlySet<FieldName | "inconnu"> = new Set(["type", "when"]);

export const CONTRIBUTION_DIFFUSION = { level: "service" } as const;

export type ContributionFields =
  { ok: true; fields: ReportFields; toSpecify: string[] } | { ok: false; problems: FieldProblem[] };

const setAside = (p: FieldProblem, also: ReadonlySet<FieldName | "inconnu">) =>
  DECIDED_BY_COORDINATOR.has(p.field) ||
  also.has(p.field) ||
  (p.meant !== undefined && (DECIDED_BY_COORDINATOR.has(p.meant) || also.has(p.meant)));

export function contributionFields(
  text: string,
  source: Omit<ReportSource, "complementOf">,
  ctx: CaptureContext,
  /** The shared report it complements, or null for a new report. */
  parent: { ref: string; fields: ReportFields } | null,
  /** For a new report that names no commune: the commune of a report shared in the matter. */
  matterCommune: ReportFields["commune"] | null,
): ContributionFields {
  const decided = { grade: UNGRADED, diffusion: CONTRIBUTION_DIFFUSION };
  if (parent) {
    // A complement: where and when are the shared report's, unless the referent says otherwise.
    const base: ReportFields = { ...parent.fields, substances: [], peopleCount: null, entities: [], text: "", source: undefined };
    const parsed = parseFieldsOnto(text, base, ctx);
    const problems = parsed.problems.filter((p) => !setAside(p, new Set()));
    if (problems.length > 0) return { ok: false, problems };
    const fields = { ...base, ...parsed.draft, ...decided };
    return {
      ok: true,
      fields: {
        ...fields,
        text: [`[complément de ${parent.ref}]`, fields.text].filter(Boolean).join(" "),
        source: { ...source, complementOf: parent.ref },
      },
      toSpecify: [],
    };
  }
  const parsed = parseReportLine(text, ctx);
  const draft = parsed.draft;
  const communeMissing = draft.commune === undefined && matterCommune !== null;
  const problems = parsed.problems.filter(
    (p) => !setAside(p, FILLED_IN) && !(communeMissing && p.field === "commune" && p.message.startsWith("Il manque")),
  );
  if (problems.length > 0) return { ok: false, problems };
  const toSpecify: string[] = [];
  const fallbackType = ctx.types.find((t) => t.key === "autre")?.key ?? ctx.types[ctx.types.length - 1]?.key ?? "autre";
  if (draft.type === undefined) toSpecify.push("le type");
  if (draft.observedAt === undefined) toSpecify.push("la date");
  if (draft.commune === undefined) toSpecify.push("la commune");
  const commune = draft.commune ?? matterCommune;
  if (!commune) return { ok: false, problems: [{ field: "commune", message: "Il manque la commune (ex. « à Épinal »)." }] };
  return {
    ok: true,
    fields: {
      type: draft.type ?? fallbackType,
      commune,
      place: draft.place ?? null,
      observedAt: draft.observedAt ?? ctx.now.toISOString(),
      observedPrecision: draft.observedAt === undefined ? "day" : (draft.observedPrecision ?? "minute"),
      substances: draft.substances ?? [],
      peopleCount: draft.peopleCount ?? null,
      entities: draft.entities ?? [],
      text: draft.text ?? "",
      ...decided,
      source: { ...source, complementOf: null },
    },
    toSpecify,
  };
}
