/**
 * The digest of a period for one room: a headline that fits a phone screen, the detail for its
 * thread. Pure: it shows what it is given — the input is already filtered by the diffusion policy for
 * the room — and never looks anything up, so it cannot leak a report the room may not see.
 */
import type { Entity } from "../fr/entities.js";
import { formatLocal } from "../fr/when.js";
import { type Block, bullets, code, em, type Inline, line, message, type Message, strong } from "../message.js";
import { gradeCode } from "../report/grading.js";
import { classifyActions, describeAction } from "./reminders.js";
import {
  byArrondissement,
  type Listing,
  MAX_LISTED,
  mostRecent,
  notableOf,
  ranked,
  RETIRED,
  summarise,
  type Tally,
  tally,
  total,
} from "./summary.js";
import {
  countPeriod,
  type NotableList,
  type NotableReport,
  type Period,
  type PeriodCounts,
  type PeriodSummary,
  type ReportGroup,
  type RhythmAction,
  type RhythmContext,
  type RhythmMatch,
  type RhythmReport,
  type TwoPart,
} from "./types.js";

/**
 * The period's reports visible to the room (summarised here), or their summary and their notable
 * reports, already made (by the store, in SQL, never the whole period loaded): one or the other.
 */
export type DigestReports =
  | { reports: RhythmReport[]; summary?: undefined; notable?: undefined }
  | { reports?: undefined; summary: PeriodSummary; notable: NotableList };

export type DigestInput = DigestReports & DigestCommon;

export interface DigestCommon {
  period: Period;
  /** Visible to the room, created in the previous period of the same length (counted here)… */
  previousReports?: RhythmReport[];
  /** …or their counts, already made (by the store, in SQL); these win when both are given. */
  previousCounts?: PeriodCounts;
  /** Visible to the room, created in the period. */
  matches: RhythmMatch[];
  /** Visible to the room, open. */
  actions: RhythmAction[];
  /** Citizen tips awaiting triage; null: not shown (not the coordinator's room). */
  tipsAwaiting: number | null;
  /** A scheduled digest posted late (bot down at the scheduled time). */
  late?: { scheduledFor: number };
}

/**
 * The lines of references a digest lists, for a store to read only those (`listedSince`): by type,
 * by commune (within its arrondissement), and the retired ones. Mirrors the tallies below.
 */
export const DIGEST_LISTINGS: readonly Listing[] = [
  (g) => (g.status === "active" ? g.type : RETIRED),
  (g) => (g.status === "active" ? g.commune.code : null),
];

export const EMPTY_PERIOD = "Aucun nouveau renseignement sur la période.";
const HOT_SPOTS = 3;

export function buildDigest(input: DigestInput, ctx: RhythmContext): TwoPart<Message> {
  const summary = input.summary ?? summarise(input.reports ?? []);
  const active = summary.groups.filter((g) => g.status === "active");
  const retired = summary.groups.filter((g) => g.status === "cancelled");
  const matched = new Set(input.matches.flatMap((m) => m.refs));
  const notable = input.notable ?? notableOf(input.reports ?? [], matched);
  const previous = input.previousCounts ?? countPeriod(input.previousReports ?? []);
  const actions = classifyActions(input.actions, ctx.now, ctx.timeZone);
  const count = total(active);
  const title = line(strong(`Synthèse ${ctx.cellName} — ${input.period.label}`));
  const late = input.late ? [line(`⏰ en retard, prévu le ${formatLocal(new Date(input.late.scheduledFor), ctx.timeZone)}`)] : [];

  const headline = message(
    title,
    ...late,
    ...countLines(count, input.matches),
    line(`📌 Actions : ${actions.overdue.length} en retard · ${actions.soon.length} à échéance sous 7 jours`),
    ...(input.tipsAwaiting === null ? [] : [line(`📨 Signalements citoyens à trier : ${input.tipsAwaiting}`)]),
    ...(count > 0 ? [line("🔥 Points chauds : ", hotSpotSummary(active, previous))] : []),
    line(em("Détail dans le fil.")),
  );
  const detail = message(
    title,
    line(
      `Du ${formatLocal(new Date(input.period.from), ctx.timeZone)} au ${formatLocal(new Date(input.period.to), ctx.timeZone)}.`,
    ),
    ...late,
    ...(count === 0 ? [line(EMPTY_PERIOD)] : reportSections(active, notable, matched, ctx)),
    ...matchSection(input.matches),
    ...actionSection(actions.overdue, actions.soon, ctx),
    ...(retired.length > 0
      ? [line(strong("Retirés"), " (hors décompte) : ", ...listRefs(total(retired), mostRecent(...retired.map((g) => g.recent))))]
      : []),
  );
  return { headline, detail };
}

function countLines(count: number, matches: RhythmMatch[]): Block[] {
  const cross = matches.filter((m) => m.crossService).length;
  const crossText = `🔗 ${plural(cross, "recoupement inter-services", "recoupements inter-services")}`;
  if (count === 0) return [line(EMPTY_PERIOD), ...(cross > 0 ? [line(crossText)] : [])];
  return [line(`📥 ${plural(count, "nouveau renseignement", "nouveaux renseignements")} · ${crossText}`)];
}

const communeOf = (_: string, t: Tally) => t.latest.commune.nom;

/** "Épinal 3 (↑ +2) · Golbey 2 (=) · Vittel 1 (nouveau)": where the period's reports concentrate. */
function hotSpotSummary(active: ReportGroup[], previous: PeriodCounts): string {
  return ranked(
    tally(active, (g) => g.commune.code),
    communeOf,
  )
    .slice(0, HOT_SPOTS)
    .map(([codeInsee, t]) => `${t.latest.commune.nom} ${t.count} (${trend(t.count, previous.byCommune.get(codeInsee) ?? 0)})`)
    .join(" · ");
}

/** Notable reports first (what the meeting should read), then by type, then where. */
function reportSections(active: ReportGroup[], notable: NotableList, matched: Set<string>, ctx: RhythmContext): Block[] {
  const blocks: Block[] = [];
  if (notable.count > 0) {
    const more = notable.count - notable.recent.length;
    blocks.push(
      line(strong("À signaler")),
      bullets(notable.recent.map((r) => notableLine(r, matched.has(r.ref), ctx))),
      ...(more > 0 ? [line(em(`… et ${plural(more, "plus ancien", "plus anciens")}`))] : []),
    );
  }
  const byType = ranked(
    tally(active, (g) => g.type),
    (type) => typeLabel(type, ctx),
  );
  blocks.push(
    line(strong("Par type")),
    bullets(byType.map(([type, t]) => [`${typeLabel(type, ctx)} : ${t.count} — `, ...listRefs(t.count, t.recent)])),
    line(strong("Par arrondissement et commune")),
  );
  for (const [arr, { count }] of byArrondissement(active)) {
    const communes = ranked(
      tally(
        active.filter((g) => g.arrondissement === arr),
        (g) => g.commune.code,
      ),
      communeOf,
    );
    blocks.push(
      line(`${arrondissementLabel(arr, ctx)} : ${count}`),
      bullets(communes.map(([, t]) => [`${t.latest.commune.nom} : ${t.count} — `, ...listRefs(t.count, t.recent)])),
    );
  }
  return blocks;
}

function notableLine(r: NotableReport, matched: boolean, ctx: RhythmContext): Inline[] {
  const suffix = matched ? " · recoupé" : "";
  return [code(r.ref), ` — ${typeLabel(r.type, ctx)} · ${r.commune.nom} · cotation ${gradeCode(r.grade)}${suffix}`];
}

function matchSection(matches: RhythmMatch[]): Block[] {
  if (matches.length === 0) return [];
  const sorted = [...matches].sort((a, b) => a.createdAt - b.createdAt);
  return [line(strong("Recoupements")), bullets(sorted.map((m) => matchLine(m)))];
}

/** "88-2026-0102 ↔ 88-2026-0101 — 🚗 AB-123-CD (inter-services)"; the agenda's section title already says so. */
export function matchLine(m: RhythmMatch, withKind = true): Inline[] {
  const kind = withKind ? (m.crossService ? " (inter-services)" : " (même service)") : "";
  return [code(m.refs[0]), " ↔ ", code(m.refs[1]), ` — ${entityLabel(m.entity)}${kind}`];
}

function actionSection(overdue: RhythmAction[], soon: RhythmAction[], ctx: RhythmContext): Block[] {
  if (overdue.length === 0 && soon.length === 0) return [line("Actions : aucune en retard ni à échéance sous 7 jours.")];
  return [
    ...(overdue.length > 0 ? [line(strong("Actions en retard")), bullets(overdue.map((a) => describeAction(a, ctx)))] : []),
    ...(soon.length > 0
      ? [line(strong("Actions à échéance sous 7 jours")), bullets(soon.map((a) => describeAction(a, ctx)))]
      : []),
  ];
}

// ——— Shared with the agenda: listing and naming, so both read the same (grouping: summary.ts). ———

const ENTITY_ICONS: Record<Entity["kind"], string> = { plate: "🚗", phone: "📞", address: "📍", person: "👤" };

export { MAX_LISTED };

/** `shown` (oldest first) of `total` references, and how many older ones are left out. */
export function listRefs<R extends { ref: string }>(
  total: number,
  shown: R[],
  describe: (r: R) => Inline[] = () => [],
): Inline[] {
  const listed = shown.flatMap((r, i) => [...(i === 0 ? [] : [", "]), code(r.ref), ...describe(r)]);
  const more = total - shown.length;
  return more > 0 ? [...listed, ` … et ${more} plus ancien${more > 1 ? "s" : ""}`] : listed;
}

/** "↑ +2", "↓ −1", "=", or "nouveau" when the previous period had none. */
export function trend(current: number, previous: number): string {
  if (previous === 0 && current > 0) return "nouveau";
  if (current > previous) return `↑ +${current - previous}`;
  if (current < previous) return `↓ −${previous - current}`;
  return "=";
}

export function typeLabel(key: string, ctx: RhythmContext): string {
  return ctx.vocabulary.types.find((t) => t.key === key)?.label ?? key;
}

/** "Arrondissement d'Épinal", "Arrondissement de Neufchâteau", "Arrondissement non renseigné". */
export function arrondissementLabel(codeArr: string | null, ctx: RhythmContext): string {
  if (codeArr === null) return "Arrondissement non renseigné";
  const name = ctx.arrondissementName(codeArr);
  if (name === undefined) return `Arrondissement ${codeArr}`;
  return /^[aeiouyhéèêëàâîïôûü]/i.test(name) ? `Arrondissement d'${name}` : `Arrondissement de ${name}`;
}

export function entityLabel(entity: { kind: string; display: string }): string {
  return `${ENTITY_ICONS[entity.kind as Entity["kind"]] ?? "•"} ${entity.display}`;
}

/** French counts: 0 and 1 take the singular. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n < 2 ? one : many}`;
}
