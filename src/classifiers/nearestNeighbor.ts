/**
 * The 1-nearest-neighbour classifier: the base learner of TCA, JDA, TJM and CORAL in their papers.
 */
import * as tf from "../tf";
import { checkOptions, requireInteger } from "../options";
import { Labels, Matrix, checkFinite, disposeIfCreated, toLabelsAsync, toTensor2D } from "../tensor";
import { Classifier, checkLabelCount } from "./classifier";
import { NotFittedError, ShapeMismatchError } from "../errors";

export interface OneNearestNeighborOptions {
  /** test rows per batch; default: as many as keep the batch's distance block near 1M entries (4 MB) */
  batchSize?: number;
  /** accepted for API uniformity; 1-NN has nothing random */
  seed?: number;
}

/** Entries of one batch's test × train distance block when `batchSize` is not given. */
const BLOCK_ENTRIES = 1 << 20; // 4 MB of float32: as fast as larger blocks on wasm (measured)

/**
 * 1-NN under squared Euclidean distance. Each test row gets the label of the closest training row; on equal
 * distances the lowest training index wins. Distances are computed on the TF backend, a batch of test rows at
 * a time (memory O(batchSize × training rows)). Sample weights are accepted for the `Classifier` interface and
 * ignored: a single nearest neighbour has nothing to weight.
 *
 * The training set is kept as a Float32Array, not a tensor, so a fitted model holds no tensor memory and needs
 * no dispose.
 */
export class OneNearestNeighbor implements Classifier {
  readonly options: Required<Omit<OneNearestNeighborOptions, "batchSize">> & { batchSize?: number };
  private train: { data: Float32Array; rows: number; cols: number } | null = null;
  private labels: Int32Array = new Int32Array(0);

  constructor(options?: OneNearestNeighborOptions) {
    this.options = checkOptions("OneNearestNeighbor", options, { batchSize: undefined as number | undefined, seed: 0 });
    if (this.options.batchSize !== undefined) requireInteger("OneNearestNeighbor", "batchSize", this.options.batchSize, 1);
  }

  async fit(X: Matrix, y: Labels, _sampleWeight?: ArrayLike<number>): Promise<this> {
    const Xt = toTensor2D(X, "X");
    try {
      const [rows, cols] = Xt.shape;
      const labels = await toLabelsAsync(y, "y");
      checkLabelCount(labels, rows, "OneNearestNeighbor.fit");
      // one asynchronous read, checked here (synchronous reads fail on WebGPU in Node)
      const data = Float32Array.from(await Xt.data());
      checkFinite(data, Xt, "X");
      this.train = { data, rows, cols };
      this.labels = labels;
      return this;
    } finally {
      disposeIfCreated(Xt, X);
    }
  }

  /** The index of each test row's nearest training row. */
  async nearestIndices(X: Matrix): Promise<Int32Array> {
    if (this.train === null) throw new NotFittedError("OneNearestNeighbor: call fit(X, y) before predict");
    const train = this.train;
    const Xt = toTensor2D(X, "X");
    const [rows, cols] = Xt.shape;
    if (cols !== train.cols) {
      disposeIfCreated(Xt, X);
      throw new ShapeMismatchError(`OneNearestNeighbor.predict: X has ${cols} features but the training data had ${train.cols}`);
    }
    try {
      checkFinite(await Xt.data(), Xt, "X", "OneNearestNeighbor.predict"); // a NaN row would still get a label
    } catch (e) {
      disposeIfCreated(Xt, X);
      throw e;
    }
    const batch = this.options.batchSize ?? Math.max(1, Math.floor(BLOCK_ENTRIES / train.rows));
    // argmin_j ‖x − t_j‖² = argmin_j (‖t_j‖² − 2 x·t_j): ‖x‖² is the same for every j, so it is left out
    // the training rows transposed (d × n) once: wasm's matMul is ~10× slower with its transposeB flag
    const [TT, t2] = tf.tidy(() => {
      const T = tf.tensor2d(train.data, [train.rows, train.cols]);
      return [T.transpose(), T.square().sum(1).reshape([1, -1])];
    });
    const out = new Int32Array(rows);
    try {
      for (let start = 0; start < rows; start += batch) {
        const size = Math.min(batch, rows - start);
        const nearest = tf.tidy(() => {
          const Xb = Xt.slice([start, 0], [size, cols]);
          return t2.sub(tf.matMul(Xb, TT).mul(2)).argMin(1);
        });
        out.set(await nearest.data(), start);
        nearest.dispose();
      }
    } finally {
      tf.dispose([TT, t2]);
      disposeIfCreated(Xt, X);
    }
    return out;
  }

  async predict(X: Matrix): Promise<Int32Array> {
    const idx = await this.nearestIndices(X);
    const out = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = this.labels[idx[i]];
    return out;
  }
}
