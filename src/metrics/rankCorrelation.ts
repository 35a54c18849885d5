/**
 * Correlations; the rank ones ask whether a transferability estimate (LEEP, LogME, MMD…) orders candidate sources
 * the way their measured target accuracy does — only the order matters when choosing a source.
 */
function checkPair(where: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`${where}: a has ${a.length} values but b has ${b.length}; they must be paired`);
  if (a.length < 2) throw new Error(`${where}: needs at least 2 pairs, got ${a.length}`);
  for (const [name, v] of [["a", a], ["b", b]] as const) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new Error(`${where}: ${name}[${i}] = ${v[i]} is not a finite number`);
  }
}

/** Ranks 1..n, ties sharing their average rank. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const r = new Float64Array(n);
  for (let k = 0; k < n; ) {
    let end = k;
    while (end + 1 < n && values[order[end + 1]] === values[order[k]]) end++;
    const avg = (k + end) / 2 + 1;
    for (let q = k; q <= end; q++) r[order[q]] = avg;
    k = end + 1;
  }
  return r;
}

/** Pearson's correlation coefficient. NaN when one side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair("pearson", a, b);
  return centredCorrelation(a, b);
}

function centredCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's ρ: the Pearson correlation of the ranks (ties averaged). NaN when one side is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair("spearman", a, b);
  return centredCorrelation(ranks(a), ranks(b));
}

/**
 * Kendall's τ_b: (concordant − discordant pairs) / √((pairs − ties in a)(pairs − ties in b)). O(n²), meant for
 * a handful of candidates. NaN when one side is constant.
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair("kendallTau", a, b);
  const n = a.length;
  let concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]), db = Math.sign(b[i] - b[j]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesA) * (pairs - tiesB));
  return denominator === 0 ? NaN : (concordant - discordant) / denominator;
}
