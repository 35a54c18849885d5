/**
 * The proxy A-distance (Ben-David et al., "Analysis of Representations for Domain Adaptation", NIPS 2006):
 * how well a linear classifier tells source rows from target rows.
 */
import * as tf from "../tf";
import { LogisticRegression } from "../classifiers/logisticRegression";
import { checkOptions, requireInteger } from "../options";
import { Random } from "../random";
import { Matrix, disposeIfCreated, toTensor2D, assertFiniteAsync } from "../tensor";

export interface ProxyADistanceOptions {
  /** seed of the subsample and the train/test split; default 0 */
  seed?: number;
  /** fraction of each domain's (balanced) rows held out to measure the error; default 0.5 */
  testFraction?: number;
  /** L2 coefficient of the domain classifier (see LogisticRegression); default 1e-2 */
  lambda?: number;
  /** L-BFGS iterations of the domain classifier; default 300 */
  maxIterations?: number;
}

export const PROXY_A_DISTANCE_DEFAULTS = { seed: 0, testFraction: 0.5, lambda: 1e-2, maxIterations: 300 };

/**
 * PAD = 2(1 − 2ε), clipped to [0, 2], where ε is the held-out error of a logistic regression trained to label
 * rows as source (0) or target (1). Balanced: the larger domain is subsampled (seeded) to the smaller one's size,
 * so chance level is ε = 0.5 (PAD 0, indistinguishable domains) and ε = 0 gives PAD 2 (separable domains).
 * Each domain is split the same way: `testFraction` of its rows for the test, the rest for training.
 */
export async function proxyADistance(Xs: Matrix, Xt: Matrix, options?: ProxyADistanceOptions): Promise<number> {
  const opts = checkOptions("proxyADistance", options, PROXY_A_DISTANCE_DEFAULTS);
  if (!(opts.testFraction > 0 && opts.testFraction < 1)) {
    throw new Error(`proxyADistance: option "testFraction" must be in (0, 1), got ${opts.testFraction}`);
  }
  requireInteger("proxyADistance", "maxIterations", opts.maxIterations, 1);
  const A = toTensor2D(Xs, "Xs");
  const B = toTensor2D(Xt, "Xt");
  let parts: tf.Tensor2D[] = [];
  try {
    if (A.shape[1] !== B.shape[1]) throw new Error(`proxyADistance: Xt has ${B.shape[1]} features (columns) but Xs has ${A.shape[1]}; they must match`);
    await assertFiniteAsync(A, "Xs", "proxyADistance");
    await assertFiniteAsync(B, "Xt", "proxyADistance");
    const m = Math.min(A.shape[0], B.shape[0]);
    if (m < 2) throw new Error(`proxyADistance: each domain needs at least 2 rows, got ${A.shape[0]} and ${B.shape[0]}`);
    const nTest = Math.min(m - 1, Math.max(1, Math.round(m * opts.testFraction)));
    const rng = new Random(opts.seed);
    // per domain: a seeded subsample of m rows, its first nTest rows for the test and the rest for training
    const split = (rows: number) => {
      const p = rng.permutation(rows).subarray(0, m);
      return { test: p.slice(0, nTest), train: p.slice(nTest) };
    };
    const sa = split(A.shape[0]);
    const sb = split(B.shape[0]);
    const take = (T: tf.Tensor2D, idx: Int32Array) => tf.gather(T, tf.tensor1d(idx, "int32")) as tf.Tensor2D;
    const [trainX, testX] = tf.tidy(() => [
      tf.concat([take(A, sa.train), take(B, sb.train)], 0) as tf.Tensor2D,
      tf.concat([take(A, sa.test), take(B, sb.test)], 0) as tf.Tensor2D,
    ]);
    parts = [trainX, testX];
    const nTrain = m - nTest;
    const trainY = new Int32Array(2 * nTrain).fill(1, nTrain);
    const clf = new LogisticRegression({ lambda: opts.lambda, maxIterations: opts.maxIterations, seed: opts.seed });
    await clf.fit(trainX, trainY);
    const predicted = await clf.predict(testX);
    let errors = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] !== (i < nTest ? 0 : 1)) errors++;
    const epsilon = errors / predicted.length;
    return Math.min(2, Math.max(0, 2 * (1 - 2 * epsilon)));
  } finally {
    tf.dispose(parts);
    disposeIfCreated(A, Xs);
    disposeIfCreated(B, Xt);
  }
}
