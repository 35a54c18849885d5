/**
 * The n × n kernel matrix of TCA/JDA at large n: held as row blocks (no single n² allocation, no transposed
 * copy, no n × n temporaries while it is built), used only through products K·V. The references form K and
 * then K M K, K H K and their dense generalised eigenproblem in float64: several n² float64 copies and O(n³)
 * time. Here memory stays one n × n float32 matrix, and each product costs 2 n² per column.
 */
import * as os from "os";
import * as tf from "../tf";
import { KernelKind, kernelMatrix } from "../kernels";

/** Bytes of one n × n float32 matrix. */
export function squareBytes(n: number): number {
  return 4 * n * n;
}

/**
 * The memory an exact kernel problem may use: `limit` when given, else the free memory of the machine, and
 * on the wasm backend at most what a 32-bit wasm heap can hold (4 GiB) less room for everything else.
 */
export function availableBytes(limit?: number): { bytes: number; source: string } {
  if (limit !== undefined) return { bytes: limit, source: "the memoryLimit option" };
  const free = os.freemem();
  if (tf.getBackend() === "wasm") {
    const heap = 4 * 2 ** 30 - 512 * 2 ** 20;
    return free < heap ? { bytes: free, source: "free memory" } : { bytes: heap, source: "the wasm backend's 4 GiB heap, less 512 MiB for the rest" };
  }
  return { bytes: free, source: "free memory" };
}

const GiB = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/**
 * Throws before anything is allocated when one n × n float32 kernel matrix (plus 10 % for the blocks of
 * products around it) does not fit `available`, naming the sizes and suggesting the landmark option.
 */
export function checkExactFits(where: string, n: number, memoryLimit?: number): void {
  const need = 1.1 * squareBytes(n);
  const { bytes, source } = availableBytes(memoryLimit);
  if (need > bytes) {
    const m = Math.min(2000, Math.max(100, Math.floor(n / 20)));
    throw new Error(`${where}: the exact kernel problem holds one ${n} × ${n} float32 kernel matrix, ${GiB(squareBytes(n))} ` +
      `(+10 % working space), more than the ${GiB(bytes)} available (${source}); pass { landmarks: m } (e.g. { landmarks: ${m} }) ` +
      `for the Nyström approximation, whose memory grows like n·m, or use kernel: "primal"`);
  }
}

/** Rows per block: ~64 MiB of float32 per block, so the products stay large matMuls. */
function blockRows(n: number): number {
  return Math.max(1, Math.min(n, Math.floor((16 * 2 ** 20) / Math.max(1, n))));
}

export class KernelRows {
  readonly n: number;
  private readonly blocks: tf.Tensor2D[];

  private constructor(blocks: tf.Tensor2D[], n: number) {
    this.blocks = blocks;
    this.n = n;
  }

  /** K(X, X) of the rows of X, block by block (each block a kernelMatrix call against all of X). */
  static build(kind: Exclude<KernelKind, "primal">, X: tf.Tensor2D, gamma: number | undefined): KernelRows {
    const n = X.shape[0];
    const step = blockRows(n);
    const g = gamma ?? 1 / X.shape[1];
    const blocks: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < n; start += step) {
        const rows = Math.min(step, n - start);
        blocks.push(tf.tidy(() => kernelMatrix(kind, X.slice([start, 0], [rows, -1]), X, { gamma: g })));
      }
    } catch (e) {
      tf.dispose(blocks);
      throw e;
    }
    return new KernelRows(blocks, n);
  }

  /** K V (n × b); the caller owns the result. */
  multiply(V: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => (this.blocks.length === 1 ? tf.matMul(this.blocks[0], V) : tf.concat(this.blocks.map((B) => tf.matMul(B, V)), 0)) as tf.Tensor2D);
  }

  dispose(): void {
    tf.dispose(this.blocks);
  }
}
