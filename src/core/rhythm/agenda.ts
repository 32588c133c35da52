/**
 * The agenda of the cell's next meeting, built from what happened since the previous one. Seven
 * numbered sections (eight with the strategy's assessments, which the bot always carries), always
 * in the same order and always present ("rien" when empty), so that "point 4" means the same thing
 * to everyone around the table. Pure, and limited to its input,
 * which is already filtered for the room.
 */
import { formatLocal } from "../fr/when.js";
import { type Block, bullets, em, type Inline, line, message, type Message, numbered, strong } from "../message.js";
import { arrondissementLabel, entityLabel, listRefs, matchLine, plural, typeLabel } from "./digest.js";
import { byArrondissement, type Listing, mostRecent, ranked, RETIRED, summarise, type Tally, tally, total } from "./summary.js";
import { classifyActions, describeAction } from "./reminders.js";
import { type Assessment, assessmentLine, type Proposal } from "../strategy/score.js";
import {
  type AgendaItem,
  countPeriod,
  type Meeting,
  type PeriodCounts,
  type PeriodSummary,
  type RecurringEntity,
  type ReportGroup,
  type RhythmAction,
  type RhythmContext,
  type RhythmMatch,
  type RhythmReport,
  type TwoPart,
} from "./types.js";

export interface AgendaInput {
  meeting: Meeting;
  /** End of the previous meeting, or start of data: reports and matches older than this are not new. */
  since: number;
  /** The reports of the period (summarised here)… */
  reports?: RhythmReport[];
  /** …or their summary, already made (by the store, in SQL); this wins when both are given. */
  summary?: PeriodSummary;
  matches: RhythmMatch[];
  /** Open actions visible to the room. */
  actions: RhythmAction[];
  /** Items carried over from the previous meeting. */
  carried: AgendaItem[];
  /** Items added by hand for this meeting. */
  added: AgendaItem[];
  /** Citizen tips waiting for a decision; null: not shown in this room. */
  tipsToDecide: number | null;
  /** The period of the same length before `since`, for trends (counted here)… */
  previousPeriodReports?: RhythmReport[];
  /** …or its counts, already made (by the store, in SQL); these win when both are given. */
  previousPeriodCounts?: PeriodCounts;
  /** Scored proposals and assessments of adopted ones (issue 13); absent: the plain heuristics only. */
  strategy?: AgendaStrategy;
}

/** What `!strategie` computes for the room, carried by the agenda. */
export interface AgendaStrategy {
  periodLabel: string;
  proposals: Proposal[];
  assessments: Assessment[];
}

/** One numbered section: its title, the count shown in the headline, and its detail. */
interface Section {
  title: string;
  summary: string;
  body: Block[];
}

const NOTHING = "rien";

export function buildAgenda(input: AgendaInput, ctx: RhythmContext): TwoPart<Message> {
  // The store should already select by `since`; filtering again keeps an old report from passing as new.
  const summary = input.summary ?? summarise((input.reports ?? []).filter((r) => r.createdAt >= input.since));
  const active = summary.groups.filter((g) => g.status === "active");
  const retired = summary.groups.filter((g) => g.status === "cancelled");
  const previous = input.previousPeriodCounts ?? countPeriod(input.previousPeriodReports ?? []);
  const sections: Section[] = [
    reportsSection(active, retired, ctx),
    matchesSection(input.matches.filter((m) => m.crossService && m.createdAt >= input.since)),
    tipsSection(input.tipsToDecide),
    actionsSection(input.actions, ctx),
    itemsSection("Points reportés", input.carried, true),
    itemsSection("Points ajoutés", input.added, false),
    input.strategy ? scoredStrategySection(input.strategy) : strategySection(active, summary.entities, previous, ctx),
    ...(input.strategy ? [assessmentsSection(input.strategy, ctx)] : []),
  ];
  const title = [
    line(strong(agendaTitle(input.meeting, ctx))),
    ...(input.meeting.status === "cancelled" ? [line("⚠️ Réunion annulée.")] : []),
  ];
  const headline = message(
    ...title,
    numbered(sections.map((s) => [`${s.title} : ${s.summary}`])),
    line(em("Détail dans le fil.")),
  );
  const detail = message(
    ...title,
    line(`Depuis le ${formatLocal(new Date(input.since), ctx.timeZone)}.`),
    ...sections.flatMap((s, i) => [line(strong(`${i + 1}. ${s.title}`), ` : ${s.summary}`), ...s.body]),
  );
  return { headline, detail };
}

/**
 * The lines of references the agenda lists, for a store to read only those (`listedSince`): new
 * reports by arrondissement and type, and the retired ones; without the strategy's proposals, its
 * plain heuristics list rising communes and types too. Mirrors the tallies below.
 */
export function agendaListings(withStrategy: boolean): Listing[] {
  const reports: Listing = (g) => (g.status === "active" ? `${g.arrondissement}\u0000${g.type}` : RETIRED);
  if (withStrategy) return [reports];
  return [reports, (g) => (g.status === "active" ? g.commune.code : null), (g) => (g.status === "active" ? g.type : null)];
}

/** "Ordre du jour — réunion du mardi 1er décembre 2026 à 14:00, Groupement d'Épinal". */
export function agendaTitle(meeting: Meeting, ctx: RhythmContext): string {
  const place = meeting.place ? `, ${meeting.place}` : "";
  return `Ordre du jour — réunion du ${formatLocal(new Date(meeting.at), ctx.timeZone)}${place}`;
}

/** By arrondissement, then by type inside it; each reference with its commune. */
function reportsSection(active: ReportGroup[], retired: ReportGroup[], ctx: RhythmContext): Section {
  const body: Block[] = [];
  for (const [arr, { count: n }] of byArrondissement(active)) {
    const byType = ranked(
      tally(
        active.filter((g) => g.arrondissement === arr),
        (g) => g.type,
      ),
      (type) => typeLabel(type, ctx),
    );
    body.push(line(`${arrondissementLabel(arr, ctx)} : ${n}`), bullets(byType.map(([type, t]) => typeLine(type, t, ctx))));
  }
  if (retired.length > 0) {
    body.push(line("Retirés (hors décompte) : ", ...listRefs(total(retired), mostRecent(...retired.map((g) => g.recent)))));
  }
  return { title: "Nouveaux renseignements", summary: count(total(active)), body };
}

function typeLine(type: string, t: Tally, ctx: RhythmContext): Inline[] {
  return [`${typeLabel(type, ctx)} : ${t.count} — `, ...listRefs(t.count, t.recent, (r) => [` (${r.commune.nom})`])];
}

function matchesSection(matches: RhythmMatch[]): Section {
  const sorted = [...matches].sort((a, b) => a.createdAt - b.createdAt);
  const body = sorted.length > 0 ? [bullets(sorted.map((m) => matchLine(m, false)))] : [];
  return { title: "Recoupements inter-services", summary: count(sorted.length), body };
}

/** A room that does not see the tips (null) learns only that the coordination handles them. */
function tipsSection(tips: number | null): Section {
  const summary = tips === null ? "suivis par la coordination" : count(tips);
  return { title: "Signalements citoyens à trancher", summary, body: [] };
}

function actionsSection(actions: RhythmAction[], ctx: RhythmContext): Section {
  const { overdue, soon, later } = classifyActions(actions, ctx.now, ctx.timeZone);
  const items = [
    ...overdue.map((a) => [...describeAction(a, ctx), strong(" (en retard)")]),
    ...[...soon, ...later].map((a) => describeAction(a, ctx)),
  ];
  const summary =
    items.length === 0 ? NOTHING : `${items.length}${overdue.length > 0 ? ` dont ${overdue.length} en retard` : ""}`;
  return { title: "Actions en cours", summary, body: items.length > 0 ? [bullets(items)] : [] };
}

function itemsSection(title: string, items: AgendaItem[], carried: boolean): Section {
  const lines = items.map((item): Inline[] => (carried ? [item.text, " ", em("(reporté)")] : [item.text]));
  return { title, summary: count(items.length), body: lines.length > 0 ? [bullets(lines)] : [] };
}

/**
 * Proposals for the local strategy: plain heuristics, each stated with its reason and its references
 * so the meeting can judge it. Ranked: rising places, recurring entities, rising types.
 */
function strategySection(
  active: ReportGroup[],
  entities: RecurringEntity[],
  previous: PeriodCounts,
  ctx: RhythmContext,
): Section {
  const proposals = [...risingCommunes(active, previous), ...recurringEntities(entities), ...risingTypes(active, previous, ctx)];
  return {
    title: "Propositions de stratégie",
    summary: count(proposals.length),
    body: proposals.length > 0 ? [bullets(proposals)] : [],
  };
}

/** A commune with at least 2 reports, more than in the previous period of the same length. */
function risingCommunes(active: ReportGroup[], previous: PeriodCounts): Inline[][] {
  return rising(
    tally(active, (g) => g.commune.code),
    previous.byCommune,
    (_, t) => t.latest.commune.nom,
  ).map(({ tally: t, was }) => {
    const now = plural(t.count, "renseignement", "renseignements");
    return [
      `📈 ${t.latest.commune.nom} : ${now} contre ${was} sur la période précédente — point chaud en hausse, à cibler : `,
      ...listRefs(t.count, t.recent),
    ];
  });
}

/** A type with at least 2 reports, more than in the previous period. */
function risingTypes(active: ReportGroup[], previous: PeriodCounts, ctx: RhythmContext): Inline[][] {
  return rising(
    tally(active, (g) => g.type),
    previous.byType,
    (type) => typeLabel(type, ctx),
  ).map(({ key, tally: t, was }) => [
    `📊 ${typeLabel(key, ctx)} : ${t.count} contre ${was} sur la période précédente — type de fait en hausse : `,
    ...listRefs(t.count, t.recent),
  ]);
}

/** Risen the most first, then the largest, then by name. */
function rising<K>(
  tallies: Map<K, Tally>,
  before: Map<K, number>,
  name: (key: K, t: Tally) => string,
): { key: K; tally: Tally; was: number }[] {
  return [...tallies]
    .map(([key, t]) => ({ key, tally: t, was: before.get(key) ?? 0 }))
    .filter(({ tally: t, was }) => t.count >= 2 && t.count > was)
    .sort(
      (a, b) =>
        b.tally.count - b.was - (a.tally.count - a.was) ||
        b.tally.count - a.tally.count ||
        name(a.key, a.tally).localeCompare(name(b.key, b.tally), "fr"),
    );
}

/**
 * The same plate, phone, address or person in at least 2 reports of the period: a thread to pull.
 * The most reports first, then the most services (what a CROSS exists for), then by name.
 */
function recurringEntities(entities: RecurringEntity[]): Inline[][] {
  return [...entities]
    .sort((a, b) => b.count - a.count || b.services - a.services || a.display.localeCompare(b.display, "fr"))
    .map((e) => {
      const across = e.services > 1 ? `, ${e.services} services` : "";
      return [
        `🔁 ${entityLabel(e)} : ${e.count} renseignements${across} — entité récurrente, à approfondir : `,
        ...listRefs(e.count, e.recent),
      ];
    });
}

/** The top proposals of `!strategie` (same period and room), each with its first reasons. */
function scoredStrategySection(strategy: AgendaStrategy): Section {
  const top = strategy.proposals.slice(0, AGENDA_PROPOSALS);
  const body: Block[] =
    top.length > 0
      ? [
          line(em(`Classement !strategie (${strategy.periodLabel}) : gravité × fiabilité × ancienneté.`)),
          bullets(
            top.map((p) => [
              strong(`${p.rank}. ${p.place ? `${p.place.display} (${p.nom})` : p.nom}`),
              ` — score ${(Math.round(p.score * 10) / 10).toFixed(1).replace(".", ",")} : parce que ${p.because.join(" ; ")}`,
              ...(p.levers.length > 0 ? [em(` — leviers : ${p.levers.join(" ; ")}`)] : []),
            ]),
          ),
          line(em("Adopter : !strategie puis !strategie adopter <n°> <service> <échéance>.")),
        ]
      : [];
  return { title: "Propositions de stratégie", summary: count(top.length), body };
}

/** Adopted proposals, before/after; « bilan dû » once the action is done or its due date passed. */
function assessmentsSection(strategy: AgendaStrategy, ctx: RhythmContext): Section {
  const due = strategy.assessments.filter((a) => a.actionDone || a.due <= ctx.now);
  const items = strategy.assessments.map((a): Inline[] => [
    assessmentLine(a),
    ...(a.actionDone || a.due <= ctx.now ? [strong(" (bilan dû)")] : []),
  ]);
  const summary = items.length === 0 ? NOTHING : `${items.length}${due.length > 0 ? ` dont ${due.length} à évaluer` : ""}`;
  return { title: "Bilan des stratégies adoptées", summary, body: items.length > 0 ? [bullets(items)] : [] };
}

const AGENDA_PROPOSALS = 3;

function count(n: number): string {
  return n === 0 ? NOTHING : String(n);
}
