/**
 * The NATO/Admiralty grid used by French services: source reliability A–F, information
 * credibility 1–6. A citizen tip is F6 until assessed.
 */
export type Reliability = "A" | "B" | "C" | "D" | "E" | "F";
export type Credibility = 1 | 2 | 3 | 4 | 5 | 6;
export interface Grade {
  reliability: Reliability;
  credibility: Credibility;
}

export const RELIABILITY: Record<Reliability, string> = {
  A: "source complètement fiable",
  B: "source habituellement fiable",
  C: "source assez fiable",
  D: "source pas toujours fiable",
  E: "source peu fiable",
  F: "fiabilité de la source ne peut être jugée",
};

export const CREDIBILITY: Record<Credibility, string> = {
  1: "information confirmée",
  2: "information probablement vraie",
  3: "information possiblement vraie",
  4: "information douteuse",
  5: "information improbable",
  6: "véracité ne peut être jugée",
};

export const UNGRADED: Grade = { reliability: "F", credibility: 6 };

export function gradeCode(grade: Grade): string {
  return `${grade.reliability}${grade.credibility}`;
}

export function describeGrade(grade: Grade): string {
  return `${gradeCode(grade)} (${RELIABILITY[grade.reliability]}, ${CREDIBILITY[grade.credibility]})`;
}

/** `B2`, `b2`, `2B`, `B 2`, `B-2` → B2. */
export function parseGrade(text: string): { ok: true; grade: Grade } | { ok: false; error: string } {
  const compact = text.replace(/[\s\-/.]/g, "").toUpperCase();
  const match = /^([A-F])([1-6])$/.exec(compact) ?? /^([1-6])([A-F])$/.exec(compact);
  const [letter, digit] = /[A-F]/.test(match?.[1] ?? "") ? [match?.[1], match?.[2]] : [match?.[2], match?.[1]];
  if (!letter || !digit) {
    return {
      ok: false,
      error: `Cotation non comprise : « ${text} ». Une lettre A–F (fiabilité de la source) et un chiffre 1–6 (crédibilité), ex. cotation=B2.`,
    };
  }
  return { ok: true, grade: { reliability: letter as Reliability, credibility: Number(digit) as Credibility } };
}
