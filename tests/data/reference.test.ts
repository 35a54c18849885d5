/**
 * The known 1-NN reference numbers of the data READMEs (equal to the JDA paper's NN column): loading plus the
 * papers' per-domain preprocessing must reproduce them, or something in the data layer changed the data.
 */
import * as tf from "@tensorflow/tfjs";
import { loadDomain, preprocess, PreprocessMethod } from "../../src/data";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** 1-nearest-neighbour accuracy with squared euclidean distance; ties go to the first source sample. */
function oneNNAccuracy(Xs: tf.Tensor2D, ys: Int32Array, Xt: tf.Tensor2D, yt: Int32Array): number {
  const [ns, d] = Xs.shape;
  const nt = Xt.shape[0];
  const a = Float64Array.from(Xs.dataSync()), b = Float64Array.from(Xt.dataSync());
  let correct = 0;
  for (let i = 0; i < nt; i++) {
    let best = Infinity, arg = -1;
    const bo = i * d;
    for (let j = 0; j < ns; j++) {
      const ao = j * d;
      let s = 0;
      for (let k = 0; k < d && s < best; k++) {
        const t = b[bo + k] - a[ao + k];
        s += t * t;
      }
      if (s < best) {
        best = s;
        arg = j;
      }
    }
    if (ys[arg] === yt[i]) correct++;
  }
  return correct / nt;
}

test.each<[string, string, PreprocessMethod, number]>([
  ["office_caltech10_surf/caltech10", "office_caltech10_surf/amazon", "l1zscore", 23.70],
  ["mnist_usps/mnist", "mnist_usps/usps", "l2", 65.94],
  ["coil20/coil1", "coil20/coil2", "l2", 83.61],
])("%s → %s with %s per domain: 1-NN accuracy %f %%", async (sourceId, targetId, method, expected) => {
  const src = await loadDomain(sourceId), tgt = await loadDomain(targetId);
  const Xs = preprocess(src.X, method), Xt = preprocess(tgt.X, method);
  const acc = 100 * oneNNAccuracy(Xs, src.y, Xt, tgt.y);
  console.log(`${sourceId} → ${targetId} (${method}): 1-NN ${acc.toFixed(2)} % (reference ${expected} %)`);
  expect(Math.abs(acc - expected)).toBeLessThanOrEqual(0.2);
  tf.dispose([src.X, tgt.X, Xs, Xt]);
});
