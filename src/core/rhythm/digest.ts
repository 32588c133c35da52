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
import { MAX_LISTED } from "./summary.js";
import {
  countPeriod,
  type Period,
  type PeriodCounts,
  type RhythmAction,
  type RhythmContext,
  type RhythmMatch,
  type RhythmReport,
  type TwoPart,
} from "./types.js";

export interface DigestInput {
  period: Period;
  /** Visible to the room, created in the period. */
  reports: RhythmReport[];
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

export const EMPTY_PERIOD = "Aucun nouveau renseignement sur la période.";
const HOT_SPOTS = 3;

export function buildDigest(input: DigestInput, ctx: RhythmContext): TwoPart<Message> {
  const active = sortReports(input.reports.filter((r) => r.status === "active"));
  const retired = sortReports(input.reports.filter((r) => r.status === "cancelled"));
  const previous = input.previousCounts ?? countPeriod(input.previousReports ?? []);
  const actions = classifyActions(input.actions, ctx.now, ctx.timeZone);
  const title = line(strong(`Synthèse ${ctx.cellName} — ${input.period.label}`));
  const late = input.late ? [line(`⏰ en retard, prévu le ${formatLocal(new Date(input.late.scheduledFor), ctx.timeZone)}`)] : [];

  const headline = message(
    title,
    ...late,
    ...countLines(active, input.matches),
    line(`📌 Actions : ${actions.overdue.length} en retard · ${actions.soon.length} à échéance sous 7 jours`),
    ...(input.tipsAwaiting === null ? [] : [line(`📨 Signalements citoyens à trier : ${input.tipsAwaiting}`)]),
    ...(active.length > 0 ? [line("🔥 Points chauds : ", hotSpotSummary(active, previous))] : []),
    line(em("Détail dans le fil.")),
  );
  const detail = message(
    title,
    line(
      `Du ${formatLocal(new Date(input.period.from), ctx.timeZone)} au ${formatLocal(new Date(input.period.to), ctx.timeZone)}.`,
    ),
    ...late,
    ...(active.length === 0 ? [line(EMPTY_PERIOD)] : reportSections(active, input.matches, ctx)),
    ...matchSection(input.matches),
    ...actionSection(actions.overdue, actions.soon, ctx),
    ...(retired.length > 0 ? [line(strong("Retirés"), " (hors décompte) : ", ...refs(retired))] : []),
  );
  return { headline, detail };
}

function countLines(active: RhythmReport[], matches: RhythmMatch[]): Block[] {
  const cross = matches.filter((m) => m.crossService).length;
  const crossText = `🔗 ${plural(cross, "recoupement inter-services", "recoupements inter-services")}`;
  if (active.length === 0) return [line(EMPTY_PERIOD), ...(cross > 0 ? [line(crossText)] : [])];
  return [line(`📥 ${plural(active.length, "nouveau renseignement", "nouveaux renseignements")} · ${crossText}`)];
}

/** "Épinal 3 (↑ +2) · Golbey 2 (=) · Vittel 1 (nouveau)": where the period's reports concentrate. */
function hotSpotSummary(active: RhythmReport[], previous: PeriodCounts): string {
  const before = previous.byCommune;
  return rankGroups(
    groupBy(active, (r) => r.fields.commune.code),
    (_, list) => communeName(list),
  )
    .slice(0, HOT_SPOTS)
    .map(([codeInsee, list]) => `${communeName(list)} ${list.length} (${trend(list.length, before.get(codeInsee) ?? 0)})`)
    .join(" · ");
}

/** Notable reports first (what the meeting should read), then by type, then where. */
function reportSections(active: RhythmReport[], matches: RhythmMatch[], ctx: RhythmContext): Block[] {
  const matched = new Set(matches.flatMap((m) => m.refs));
  const notable = active.filter((r) => isWellGraded(r) || matched.has(r.ref));
  const blocks: Block[] = [];
  if (notable.length > 0) {
    blocks.push(line(strong("À signaler")), bullets(notable.map((r) => notableLine(r, matched.has(r.ref), ctx))));
  }
  const byType = rankGroups(
    groupBy(active, (r) => r.fields.type),
    (type) => typeLabel(type, ctx),
  );
  blocks.push(
    line(strong("Par type")),
    bullets(byType.map(([type, list]) => [`${typeLabel(type, ctx)} : ${list.length} — `, ...refs(list)])),
    line(strong("Par arrondissement et commune")),
  );
  for (const [arr, list] of groupByArrondissement(active)) {
    blocks.push(line(`${arrondissementLabel(arr, ctx)} : ${list.length}`), bullets(communeLines(list)));
  }
  return blocks;
}

/** Cotation A/B with credibility 1/2: reliable source, information confirmed or probably true. */
function isWellGraded(r: RhythmReport): boolean {
  const g = r.fields.grade;
  return (g.reliability === "A" || g.reliability === "B") && g.credibility <= 2;
}

function notableLine(r: RhythmReport, matched: boolean, ctx: RhythmContext): Inline[] {
  const suffix = matched ? " · recoupé" : "";
  return [
    code(r.ref),
    ` — ${typeLabel(r.fields.type, ctx)} · ${r.fields.commune.nom} · cotation ${gradeCode(r.fields.grade)}${suffix}`,
  ];
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

function communeLines(list: RhythmReport[]): Inline[][] {
  const byCommune = rankGroups(
    groupBy(list, (r) => r.fields.commune.code),
    (_, group) => communeName(group),
  );
  return byCommune.map(([, group]) => [`${communeName(group)} : ${group.length} — `, ...refs(group)]);
}

// ——— Shared with the agenda: grouping, ordering and naming, so both read the same. ———

const ENTITY_ICONS: Record<Entity["kind"], string> = { plate: "🚗", phone: "📞", address: "📍", person: "👤" };

export { MAX_LISTED };

/** The references, each tappable as code, separated by commas; past `MAX_LISTED`, the most recent ones. */
export function refs(reports: RhythmReport[], describe: (r: RhythmReport) => Inline[] = () => []): Inline[] {
  return listRefs(reports.length, reports.length > MAX_LISTED ? reports.slice(-MAX_LISTED) : reports, describe);
}

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

/** Oldest first, so that references read in the order they were given. */
export function sortReports(reports: RhythmReport[]): RhythmReport[] {
  return [...reports].sort((a, b) => a.createdAt - b.createdAt || a.ref.localeCompare(b.ref));
}

export function groupBy<K>(reports: RhythmReport[], key: (r: RhythmReport) => K): Map<K, RhythmReport[]> {
  const groups = new Map<K, RhythmReport[]>();
  for (const r of reports) {
    const k = key(r);
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/** Largest group first; ties in alphabetical order of their names, so the order never looks random. */
export function rankGroups<K>(
  groups: Map<K, RhythmReport[]>,
  name: (key: K, list: RhythmReport[]) => string,
): [K, RhythmReport[]][] {
  return [...groups].sort(([ka, a], [kb, b]) => b.length - a.length || name(ka, a).localeCompare(name(kb, b), "fr"));
}

/** By arrondissement code (881, 882, 883), unknown last; reports keep their order inside. */
export function groupByArrondissement(reports: RhythmReport[]): [string | null, RhythmReport[]][] {
  return [...groupBy(reports, (r) => r.arrondissement)].sort(([a], [b]) => (a ?? "999").localeCompare(b ?? "999"));
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

export function communeName(list: RhythmReport[]): string {
  return list[0]?.fields.commune.nom ?? "";
}
