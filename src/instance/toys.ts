/**
 * Small synthetic settings in which each instance-based method's principle is visible (and measurable):
 * sample-selection bias in 1-D regression (KMM), a source with a region of flipped labels (TrAdaBoost), and a
 * chain of word-count domains where the source and the target share no features at all (TTL, DDTL).
 * Everything is seeded.
 */
import * as tf from "../tf";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Random } from "../random";

// ---------------------------------------------------------------------------------------------------------
// KMM: sample-selection bias in regression (the toy of Shimodaira 2000, used by Huang et al. 2007)

export interface SelectionBiasRegression {
  /** training inputs (the biased selection) and outputs */
  xTrain: Float64Array;
  yTrain: Float64Array;
  /** test inputs and outputs, from the unbiased population */
  xTest: Float64Array;
  yTest: Float64Array;
  /** the true density ratio p_test(x) / p_train(x) */
  densityRatio(x: number): number;
  /** the noise-free function f(x) = −x + x³ */
  f(x: number): number;
  description: string;
}

const normalPdf = (x: number, mean: number, std: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * Math.sqrt(2 * Math.PI));

/**
 * y = −x + x³ + N(0, noise²) everywhere; the training inputs follow N(0.5, 0.5²) (a selection that favours
 * large x), the test inputs N(0, 0.3²). A straight line fitted to the training sample follows the cubic's
 * upswing at large x and misses the test region; weighting the training points by p_test/p_train fixes it.
 */
export function selectionBiasRegression(options: { nTrain?: number; nTest?: number; noise?: number; seed?: number } = {}): SelectionBiasRegression {
  const o = checkOptions("selectionBiasRegression", options, { nTrain: 100, nTest: 100, noise: 0.3, seed: 0 });
  requireInteger("selectionBiasRegression", "nTrain", o.nTrain, 2);
  requireInteger("selectionBiasRegression", "nTest", o.nTest, 1);
  if (!(o.noise >= 0)) throw new Error(`selectionBiasRegression: option "noise" must be ≥ 0, got ${o.noise}`);
  const rng = new Random(o.seed);
  const f = (x: number) => -x + x * x * x;
  const draw = (n: number, mean: number, std: number) => {
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal(mean, std);
      y[i] = f(x[i]) + rng.normal(0, o.noise);
    }
    return { x, y };
  };
  const train = draw(o.nTrain, 0.5, 0.5);
  const test = draw(o.nTest, 0, 0.3);
  return {
    xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y,
    densityRatio: (x: number) => normalPdf(x, 0, 0.3) / normalPdf(x, 0.5, 0.5),
    f,
    description: `y = −x + x³ + N(0, ${o.noise}²); training x ~ N(0.5, 0.5²) (biased selection, n = ${o.nTrain}), ` +
      `test x ~ N(0, 0.3²) (n = ${o.nTest}), seed ${o.seed}`,
  };
}

/**
 * Weighted least squares for a polynomial of `degree` in one variable: minimises Σᵢ wᵢ (yᵢ − p(xᵢ))², by the
 * normal equations in float64 (small and well-posed for the degrees used here). Returns the coefficients
 * c₀ … c_degree and a predictor.
 */
export function fitPolynomial(x: ArrayLike<number>, y: ArrayLike<number>, options: { degree?: number; weights?: ArrayLike<number> } = {}): { coef: Float64Array; predict(x: number): number } {
  const o = checkOptions("fitPolynomial", options, { degree: 1, weights: undefined as ArrayLike<number> | undefined });
  requireInteger("fitPolynomial", "degree", o.degree, 0);
  const n = x.length;
  if (y.length !== n) throw new Error(`fitPolynomial: x has ${n} values but y has ${y.length}`);
  if (o.weights !== undefined && o.weights.length !== n) throw new Error(`fitPolynomial: weights has ${o.weights.length} values but x has ${n}`);
  const p = o.degree + 1;
  if (n < p) throw new Error(`fitPolynomial: a polynomial of degree ${o.degree} needs at least ${p} points, got ${n}`);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const w = o.weights === undefined ? 1 : o.weights[i];
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`fitPolynomial: weights[${i}] = ${w} must be a finite number ≥ 0`);
    const pow = new Float64Array(p);
    pow[0] = 1;
    for (let k = 1; k < p; k++) pow[k] = pow[k - 1] * x[i];
    for (let r = 0; r < p; r++) {
      b[r] += w * pow[r] * y[i];
      for (let c = 0; c < p; c++) A[r * p + c] += w * pow[r] * pow[c];
    }
  }
  // Gaussian elimination with partial pivoting
  const coef = new Float64Array(p);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(A[r * p + col]) > Math.abs(A[pivot * p + col])) pivot = r;
    if (Math.abs(A[pivot * p + col]) < 1e-300) throw new Error("fitPolynomial: the weighted points do not determine the polynomial (too few points with weight > 0)");
    for (let c = 0; c < p; c++) [A[col * p + c], A[pivot * p + c]] = [A[pivot * p + c], A[col * p + c]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    for (let r = col + 1; r < p; r++) {
      const m = A[r * p + col] / A[col * p + col];
      for (let c = col; c < p; c++) A[r * p + c] -= m * A[col * p + c];
      b[r] -= m * b[col];
    }
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < p; c++) s -= A[r * p + c] * coef[c];
    coef[r] = s / A[r * p + r];
  }
  return {
    coef,
    predict: (v: number) => {
      let s = 0;
      for (let k = p - 1; k >= 0; k--) s = s * v + coef[k];
      return s;
    },
  };
}

/** Mean squared error of `predict` on (x, y). */
export function meanSquaredError(predict: (x: number) => number, x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length || x.length === 0) throw new Error(`meanSquaredError: x has ${x.length} values and y ${y.length}; they must match and be non-empty`);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (predict(x[i]) - y[i]) ** 2;
  return s / x.length;
}

// ---------------------------------------------------------------------------------------------------------
// TrAdaBoost: a source with a region of flipped labels

export interface FlippedLabelDomains {
  source: { X: tf.Tensor2D; y: Int32Array; /** 1 where the source label was flipped (a misleading sample) */ flipped: Uint8Array };
  targetLabelled: { X: tf.Tensor2D; y: Int32Array };
  targetTest: { X: tf.Tensor2D; y: Int32Array };
  description: string;
}

/**
 * x ~ N(0, I) in both domains (`features` dimensions, default 2), labels y = [x₂ > 0.5·x₁] — except in the
 * source's region x₁ > `region`, where they are flipped: a part of the source that disagrees with the target,
 * as TrAdaBoost's paper assumes. `labelled` target samples per class are labelled, `test` more are for
 * testing. Features beyond the first two are noise: they make a few target labels alone overfit.
 */
export function flippedLabelDomains(options: { n?: number; labelled?: number; test?: number; region?: number; features?: number; seed?: number } = {}): FlippedLabelDomains {
  const fn = "flippedLabelDomains";
  const o = checkOptions(fn, options, { n: 400, labelled: 2, test: 500, region: 0.8, features: 2, seed: 0 });
  requireInteger(fn, "n", o.n, 2);
  requireInteger(fn, "labelled", o.labelled, 1);
  requireInteger(fn, "test", o.test, 1);
  requireInteger(fn, "features", o.features, 2);
  const d = o.features;
  const rng = new Random(o.seed);
  const rule = (x: Float32Array) => (x[1] > 0.5 * x[0] ? 1 : 0);
  const point = () => Float32Array.from({ length: d }, () => rng.normal());
  const sx = new Float32Array(d * o.n), sy = new Int32Array(o.n), flipped = new Uint8Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const x = point();
    sx.set(x, d * i);
    flipped[i] = x[0] > o.region ? 1 : 0;
    sy[i] = flipped[i] ? 1 - rule(x) : rule(x);
  }
  // the labelled target: exactly `labelled` per class, drawn by rejection
  const lx: number[] = [], ly: number[] = [];
  const count = [0, 0];
  while (count[0] < o.labelled || count[1] < o.labelled) {
    const x = point();
    const c = rule(x);
    if (count[c] >= o.labelled) continue;
    count[c]++;
    lx.push(...x);
    ly.push(c);
  }
  const tx = new Float32Array(d * o.test), ty = new Int32Array(o.test);
  for (let i = 0; i < o.test; i++) {
    const x = point();
    tx.set(x, d * i);
    ty[i] = rule(x);
  }
  return {
    source: { X: tf.tensor2d(sx, [o.n, d]), y: sy, flipped },
    targetLabelled: { X: tf.tensor2d(lx, [ly.length, d]), y: Int32Array.from(ly) },
    targetTest: { X: tf.tensor2d(tx, [o.test, d]), y: ty },
    description: `x ~ N(0, I${d}) in both domains, y = [x₂ > x₁/2]; in the source the labels of x₁ > ${o.region} are flipped ` +
      `(${flipped.reduce((a, b) => a + b, 0)} of ${o.n}); ${o.labelled} labelled target samples per class, ${o.test} for testing (seed ${o.seed})`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// TTL / DDTL: a chain of domains whose ends share no features

export interface ChainDomain {
  name: string;
  /** where the domain sits on the vocabulary line, and how wide a stretch of words it uses */
  position: number;
  width: number;
  /** documents × words: term frequencies (each row sums to 1) */
  X: tf.Tensor2D;
  y: Int32Array;
}

export interface DomainChain {
  source: ChainDomain;
  target: ChainDomain;
  /** candidate intermediate domains: near the source, the bridge, near the target, unrelated */
  intermediates: ChainDomain[];
  /** where each word of the vocabulary sits on the line */
  wordPositions: Float64Array;
  description: string;
}

export interface DomainChainOptions {
  /** classes; default 3 */
  classes?: number;
  /** words in the vocabulary, spread evenly over positions [0, 1.5]; default 150 */
  vocabulary?: number;
  /** words drawn per document; default 40 */
  words?: number;
  /** words per target document: short, noisy documents make a few target labels alone a weak teacher; default 8 */
  targetWords?: number;
  /** documents per domain; default 300 */
  perDomain?: number;
  /** how strongly a word prefers some classes: preference exp(signal·z), z ~ N(0, 1) per word and class; default 1 */
  signal?: number;
  seed?: number;
}

/**
 * A synthetic text-like chain in the spirit of TTL's text → tagged images → images: words sit on a line, a
 * domain at position θ uses the words near θ (weight exp(−(ℓ − θ)²/2σ²)), and every word has one fixed class
 * preference shared by all domains. A document of class k draws `words` words from p(ℓ) ∝ position weight ×
 * preference of class k. The source (θ = 0.15) and the target (θ = 0.85) use disjoint words, so a classifier
 * trained on the source has nothing to go on in the target; the "bridge" domain uses the words of both ends
 * in the same documents (like TTL's tagged images, which carry text and pixels at once). Other candidates:
 * near the source (θ = 0.3), near the target (θ = 0.7), and an unrelated domain beyond the target (θ = 1.3).
 * Target documents are short (`targetWords`), so a few labelled ones teach little on their own. Every
 * domain's labels are returned; the methods use only the source's and, for DDTL, a few of the target's.
 */
export function domainChain(options: DomainChainOptions = {}): DomainChain {
  const fn = "domainChain";
  const o = checkOptions(fn, options, { classes: 3, vocabulary: 150, words: 40, targetWords: 8, perDomain: 300, signal: 1, seed: 0 });
  requireInteger(fn, "classes", o.classes, 2);
  requireInteger(fn, "vocabulary", o.vocabulary, 10);
  requireInteger(fn, "words", o.words, 1);
  requireInteger(fn, "targetWords", o.targetWords, 1);
  requireInteger(fn, "perDomain", o.perDomain, o.classes);
  requirePositive(fn, "signal", o.signal);
  const rng = new Random(o.seed);
  const V = o.vocabulary, C = o.classes;
  const positions = Float64Array.from({ length: V }, (_, j) => (1.5 * j) / (V - 1));
  const preference = new Float64Array(V * C);
  for (let j = 0; j < V; j++) for (let k = 0; k < C; k++) preference[j * C + k] = Math.exp(o.signal * rng.normal());
  const make = (name: string, position: number, width: number, words = o.words, bumps: number[] = [position]): ChainDomain => {
    // cumulative word distribution of each class around each bump of this domain
    const cdf = bumps.map((b) => Array.from({ length: C }, (_, k) => {
      const p = Float64Array.from(positions, (l, j) => Math.exp(-((l - b) ** 2) / (2 * width * width)) * preference[j * C + k]);
      let s = 0;
      for (let j = 0; j < V; j++) p[j] = s += p[j];
      return p.map((v) => v / s);
    }));
    const n = o.perDomain;
    const X = new Float32Array(n * V);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % C; // balanced classes
      y[i] = k;
      for (let w = 0; w < words; w++) {
        const h = (w * bumps.length / words) | 0; // the words are split evenly between the bumps
        const cum = cdf[h][k];
        const u = rng.next();
        let lo = 0, hi = V - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] < u) lo = mid + 1;
          else hi = mid;
        }
        X[i * V + lo] += 1 / words;
      }
    }
    // shuffle the rows so classes are not in a fixed order
    const perm = rng.permutation(n);
    const Xp = new Float32Array(n * V), yp = new Int32Array(n);
    perm.forEach((src, dst) => {
      Xp.set(X.subarray(src * V, (src + 1) * V), dst * V);
      yp[dst] = y[src];
    });
    return { name, position, width, X: tf.tensor2d(Xp, [n, V]), y: yp };
  };
  const source = make("source", 0.15, 0.08);
  const intermediates = [
    make("near source", 0.3, 0.08),
    make("bridge", 0.5, 0.08, o.words, [0.15, 0.85]),
    make("near target", 0.7, 0.08),
    make("unrelated", 1.3, 0.08),
  ];
  const target = make("target", 0.85, 0.08, o.targetWords);
  return {
    source, target, intermediates, wordPositions: positions,
    description: `${C} classes, ${V} words on [0, 1.5], ${o.words} words per document (${o.targetWords} in the target), ${o.perDomain} documents per domain; ` +
      `source at 0.15 and target at 0.85 (width 0.08: no shared words), candidates near source 0.3, bridge (the words of both ends), ` +
      `near target 0.7, unrelated 1.3 (seed ${o.seed})`,
  };
}
