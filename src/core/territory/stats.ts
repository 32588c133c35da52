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
  return Math.exp(logPmf(k, n, Math.log(p), Math.log(1 - p)));
}

function logPmf(k: number, n: number, logP: number, logQ: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * logP + (n - k) * logQ;
}

/**
 * An outcome this many times (e^46 ≈ 10^20) less likely than the observed one adds nothing a
 * double can hold: the n + 1 of them together stay below 10^-15 of the observed term.
 */
const NEGLIGIBLE = 46;

/**
 * Two-sided exact binomial test of H0: probability = p, for x successes in n trials. The pmf is
 * unimodal, so the outcomes that count (no more likely than x) are its two tails; each tail is
 * summed from where its terms stop being negligible against P(x), found by bisection on the
 * log-pmf (concave): a few hundred terms around the mode for n in the tens of thousands, not n.
 */
export function binomialTest(x: number, n: number, p: number): number {
  if (n === 0) return 1;
  if (p === 0 || p === 1) return binomialPmf(x, n, p) > 0 ? 1 : 0;
  const logP = Math.log(p);
  const logQ = Math.log(1 - p);
  const logObserved = logPmf(x, n, logP, logQ);
  const observed = Math.exp(logObserved);
  const cutoff = logObserved - NEGLIGIBLE;
  const mode = Math.min(n, Math.max(0, Math.floor((n + 1) * p)));
  // The first k of [lo, hi] whose log-pmf is at or above the cutoff, on a side where it rises with
  // k (below the mode) or falls (above it, searched as the last such k).
  let lo = 0;
  let hi = mode;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (logPmf(mid, n, logP, logQ) >= cutoff) hi = mid;
    else lo = mid + 1;
  }
  const first = lo;
  lo = mode;
  hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (logPmf(mid, n, logP, logQ) >= cutoff) lo = mid;
    else hi = mid - 1;
  }
  const last = lo;
  const tolerance = 1 + 1e-7;
  let total = 0;
  for (let k = first; k <= last; k++) {
    const pk = Math.exp(logPmf(k, n, logP, logQ));
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
