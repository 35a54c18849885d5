/**
 * K-means (Lloyd's algorithm) on rows of a Float64Array. TransEMDT seeds it with the decision tree's class
 * prototypes, so cluster j keeps meaning "class j"; without seeds it starts from k-means++ (seeded).
 */
import { Random } from "../random";
import { ShapeMismatchError } from "../errors";

export interface KMeansOptions {
  /** initial centres (k × d, row-major); default: k-means++ */
  init?: Float64Array;
  /** Lloyd iterations at most; default 100 */
  maxIterations?: number;
  seed?: number;
}

export interface KMeansResult {
  /** k × d, row-major */
  centres: Float64Array;
  /** cluster of each row */
  assignment: Int32Array;
  /** squared distance of each row to its centre and to the second-nearest centre */
  distance: Float64Array;
  secondDistance: Float64Array;
  iterations: number;
  /** Σ squared distances to the assigned centres */
  inertia: number;
}

/** Clusters the n rows of `data` (n × d, row-major, finite) into k clusters. An emptied cluster keeps its centre. */
export function kMeans(data: Float64Array, n: number, d: number, k: number, options: KMeansOptions = {}): KMeansResult {
  if (data.length !== n * d) throw new ShapeMismatchError(`kMeans: data has ${data.length} values, expected n·d = ${n}·${d}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`kMeans: k must be an integer in 1..${n} (the number of rows), got ${k}`);
  for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) throw new Error(`kMeans: data has ${data[i]} at row ${Math.floor(i / d)}, column ${i % d}; impute missing values first`);
  let centres: Float64Array;
  if (options.init) {
    if (options.init.length !== k * d) throw new ShapeMismatchError(`kMeans: init has ${options.init.length} values, expected k·d = ${k}·${d}`);
    centres = Float64Array.from(options.init);
  } else {
    centres = kMeansPlusPlus(data, n, d, k, new Random(options.seed ?? 0));
  }
  const maxIterations = options.maxIterations ?? 100;
  const assignment = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n);
  const secondDistance = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const changed = assign(data, n, d, centres, k, assignment, distance, secondDistance);
    if (!changed && iterations > 0) break;
    const sums = new Float64Array(k * d);
    const sizes = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignment[i];
      sizes[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += data[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue;
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / sizes[c];
    }
  }
  assign(data, n, d, centres, k, assignment, distance, secondDistance);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += distance[i];
  return { centres, assignment, distance, secondDistance, iterations, inertia };
}

// module-level: a global lookup inside a hot loop is slow under a vm context (jest, notebook kernels)
const INF = Infinity;

function assign(data: Float64Array, n: number, d: number, centres: Float64Array, k: number, assignment: Int32Array, distance: Float64Array, second: Float64Array): boolean {
  let changed = false;
  for (let i = 0; i < n; i++) {
    let best = -1, bestD = INF, nextD = INF;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - centres[c * d + j];
        s += t * t;
      }
      if (s < bestD) {
        nextD = bestD;
        bestD = s;
        best = c;
      } else if (s < nextD) nextD = s;
    }
    if (assignment[i] !== best) changed = true;
    assignment[i] = best;
    distance[i] = bestD;
    second[i] = nextD;
  }
  return changed;
}

/** k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn ∝ squared distance to the nearest. */
function kMeansPlusPlus(data: Float64Array, n: number, d: number, k: number, rng: Random): Float64Array {
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(data.subarray(pick * d, pick * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - centres[c * d + j];
        s += t * t;
      }
      if (s < nearest[i]) nearest[i] = s;
      total += nearest[i];
    }
    if (c === k - 1) break;
    let u = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= nearest[i];
      if (u < 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}
