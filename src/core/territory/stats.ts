/**
 * Small-count statistics for period-over-period changes. Two Poisson counts x1 (over exposure t1)
 * and x2 (over t2) have equal rates exactly when, given n = x1 + x2, x1 ~ Binomial(n, t1/(t1+t2)):
 * the conditional (exact) test of Przyborowski & Wilenski, the one R's `poisson.test(c(x1, x2),
 * c(t1, t2))` runs. Two-sided p-value as in R's `binom.test`: the total probability of outcomes no
 * more likely than the one observed.
 */

/** log(n!) for n = 0, 1, 2…, grown on demand (a pure cache: same values whoever asks). */
const LOG_FACTORIALS = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS.push((LOG_FACTORIALS[i - 1] ?? 0) + Math.log(i));
  return LOG_FACTORIALS[n] ?? 0;
}

/** P(X = k) for X ~ Binomial(n, p), in log space (exact enough for n in the thousands). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const log = logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
  return Math.exp(log);
}

/** Two-sided exact binomial test of H0: probability = p, for x successes in n trials. */
export function binomialTest(x: number, n: number, p: number): number {
  if (n === 0) return 1;
  const observed = binomialPmf(x, n, p);
  const tolerance = 1 + 1e-7;
  let total = 0;
  for (let k = 0; k <= n; k++) {
    const pk = binomialPmf(k, n, p);
    if (pk <= observed * tolerance) total += pk;
  }
  return Math.min(1, total);
}

/** Exact conditional test that two Poisson counts have the same rate (exposures t1, t2). */
export function poissonRatesTest(x1: number, t1: number, x2: number, t2: number): { p: number; rateRatio: number } {
  const p = binomialTest(x1, x1 + x2, t1 / (t1 + t2));
  return { p, rateRatio: x2 === 0 ? (x1 === 0 ? 1 : Infinity) : x1 / t1 / (x2 / t2) };
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the input order: reject H0 for q ≤ α keeps
 * the expected false discovery rate below α. Same as R's `p.adjust(p, "BH")`.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p);
  const q = new Array<number>(m).fill(1);
  let running = 1;
  for (const [rank, { p, i }] of order.entries()) {
    running = Math.min(running, (p * m) / (m - rank));
    q[i] = Math.min(1, running);
  }
  return q;
}
