/**
 * The agenda of the cell's next meeting, built from what happened since the previous one. Seven
 * numbered sections (eight with the strategy's assessments, which the bot always carries), always
 * in the same order and always present ("rien" when empty), so that "point 4" means the same thing
 * to everyone around the table. Pure, and limited to its input,
 * which is already filtered for the room.
 */
import { formatLocal } from "../fr/when.js";
import { type Block, bullets, em, type Inline, line, message, type Message, numbered, strong } from "../message.js";
import {
  arrondissementLabel,
  communeName,
  entityLabel,
  groupBy,
  groupByArrondissement,
  matchLine,
  plural,
  rankGroups,
  refs,
  sortReports,
  typeLabel,
} from "./digest.js";
import { classifyActions, describeAction } from "./reminders.js";
import { type Assessment, assessmentLine, type Proposal } from "../strategy/score.js";
import {
  type AgendaItem,
  countPeriod,
  type Meeting,
  type PeriodCounts,
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
  reports: RhythmReport[];
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
  const fresh = sortReports(input.reports.filter((r) => r.createdAt >= input.since));
  const active = fresh.filter((r) => r.status === "active");
  const retired = fresh.filter((r) => r.status === "cancelled");
  const previous = input.previousPeriodCounts ?? countPeriod(input.previousPeriodReports ?? []);
  const sections: Section[] = [
    reportsSection(active, retired, ctx),
    matchesSection(input.matches.filter((m) => m.crossService && m.createdAt >= input.since)),
    tipsSection(input.tipsToDecide),
    actionsSection(input.actions, ctx),
    itemsSection("Points reportés", input.carried, true),
    itemsSection("Points ajoutés", input.added, false),
    input.strategy ? scoredStrategySection(input.strategy) : strategySection(active, previous, ctx),
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

/** "Ordre du jour — réunion du mardi 1er décembre 2026 à 14:00, Groupement d'Épinal". */
export function agendaTitle(meeting: Meeting, ctx: RhythmContext): string {
  const place = meeting.place ? `, ${meeting.place}` : "";
  return `Ordre du jour — réunion du ${formatLocal(new Date(meeting.at), ctx.timeZone)}${place}`;
}

/** By arrondissement, then by type inside it; each reference with its commune. */
function reportsSection(active: RhythmReport[], retired: RhythmReport[], ctx: RhythmContext): Section {
  const body: Block[] = [];
  for (const [arr, list] of groupByArrondissement(active)) {
    const byType = rankGroups(
      groupBy(list, (r) => r.fields.type),
      (type) => typeLabel(type, ctx),
    );
    body.push(
      line(`${arrondissementLabel(arr, ctx)} : ${list.length}`),
      bullets(byType.map(([type, group]) => typeLine(type, group, ctx))),
    );
  }
  if (retired.length > 0) body.push(line("Retirés (hors décompte) : ", ...refs(retired)));
  return { title: "Nouveaux renseignements", summary: count(active.length), body };
}

function typeLine(type: string, group: RhythmReport[], ctx: RhythmContext): Inline[] {
  return [`${typeLabel(type, ctx)} : ${group.length} — `, ...refs(group, (r) => [` (${r.fields.commune.nom})`])];
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
function strategySection(active: RhythmReport[], previous: PeriodCounts, ctx: RhythmContext): Section {
  const proposals = [...risingCommunes(active, previous), ...recurringEntities(active), ...risingTypes(active, previous, ctx)];
  return {
    title: "Propositions de stratégie",
    summary: count(proposals.length),
    body: proposals.length > 0 ? [bullets(proposals)] : [],
  };
}

/** A commune with at least 2 reports, more than in the previous period of the same length. */
function risingCommunes(active: RhythmReport[], previous: PeriodCounts): Inline[][] {
  const before = previous.byCommune;
  return rising(
    groupBy(active, (r) => r.fields.commune.code),
    before,
  ).map(({ group, was }) => {
    const now = plural(group.length, "renseignement", "renseignements");
    return [
      `📈 ${communeName(group)} : ${now} contre ${was} sur la période précédente — point chaud en hausse, à cibler : `,
      ...refs(group),
    ];
  });
}

/** A type with at least 2 reports, more than in the previous period. */
function risingTypes(active: RhythmReport[], previous: PeriodCounts, ctx: RhythmContext): Inline[][] {
  const before = previous.byType;
  return rising(
    groupBy(active, (r) => r.fields.type),
    before,
  ).map(({ key, group, was }) => [
    `📊 ${typeLabel(key, ctx)} : ${group.length} contre ${was} sur la période précédente — type de fait en hausse : `,
    ...refs(group),
  ]);
}

function rising<K>(groups: Map<K, RhythmReport[]>, before: Map<K, number>): { key: K; group: RhythmReport[]; was: number }[] {
  return [...groups]
    .map(([key, group]) => ({ key, group, was: before.get(key) ?? 0 }))
    .filter(({ group, was }) => group.length >= 2 && group.length > was)
    .sort((a, b) => b.group.length - b.was - (a.group.length - a.was) || b.group.length - a.group.length);
}

/** The same plate, phone, address or person in at least 2 reports of the period: a thread to pull. */
function recurringEntities(active: RhythmReport[]): Inline[][] {
  const byEntity = new Map<string, { display: { kind: string; display: string }; reports: RhythmReport[] }>();
  for (const r of active) {
    for (const e of r.fields.entities) {
      const key = `${e.kind}:${e.value}`;
      const entry = byEntity.get(key) ?? { display: e, reports: [] };
      if (!entry.reports.includes(r)) entry.reports.push(r);
      byEntity.set(key, entry);
    }
  }
  return [...byEntity.values()]
    .filter((e) => e.reports.length >= 2)
    .sort((a, b) => b.reports.length - a.reports.length)
    .map(({ display, reports }) => {
      const services = new Set(reports.map((r) => r.service)).size;
      const across = services > 1 ? `, ${services} services` : "";
      return [
        `🔁 ${entityLabel(display)} : ${reports.length} renseignements${across} — entité récurrente, à approfondir : `,
        ...refs(reports),
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
