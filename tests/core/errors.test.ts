/** Typed errors (src/errors.ts): callers catch by kind; the messages stay "where: what". */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { checkOptions } from "../../src/options";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { OneNearestNeighbor } from "../../src/classifiers/nearestNeighbor";
import { toTensor2D } from "../../src/tensor";
import { InvalidOptionError, NotFittedError, ShapeMismatchError, TransferlabError } from "../../src/errors";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** the error `fn` throws (or rejects with) */
async function caught(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("it did not throw");
}

test("an unknown or mistyped option is an InvalidOptionError", async () => {
  const e = await caught(() => checkOptions("TCA", { lamda: 1 }, { lambda: 1, dim: 30 }));
  expect(e).toBeInstanceOf(InvalidOptionError);
  expect(e).toBeInstanceOf(TransferlabError);
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe("InvalidOptionError");
  expect(e.message).toBe('TCA: unknown option "lamda" (did you mean "lambda"?); valid options: lambda, dim');
  expect(await caught(() => checkOptions("TCA", { dim: "3" }, { dim: 30 }))).toBeInstanceOf(InvalidOptionError);
});

test("use before fit is a NotFittedError", async () => {
  const e = await caught(() => new LogisticRegression().predict([[1, 2]]));
  expect(e).toBeInstanceOf(NotFittedError);
  expect(e.message).toBe("LogisticRegression: call fit(X, y) before predict");
  expect(await caught(() => new OneNearestNeighbor().predict([[1]]))).toBeInstanceOf(NotFittedError);
});

test("shapes that do not fit together are a ShapeMismatchError", async () => {
  const e = await caught(() => new LogisticRegression().fit([[1, 2], [3, 4]], [0, 1, 1]));
  expect(e).toBeInstanceOf(ShapeMismatchError);
  expect(e.message).toMatch(/^LogisticRegression\.fit: y has 3 labels but X has 2 rows/);
  const ragged = await caught(() => toTensor2D([[1, 2], [3]], "X"));
  expect(ragged).toBeInstanceOf(ShapeMismatchError);
  expect(ragged.message).toBe("X row 1 has 1 columns, expected 2");
  const knn = await new OneNearestNeighbor().fit(tf.tensor2d([[0, 0], [1, 1]]), [0, 1]);
  const wrong = await caught(() => knn.predict([[1, 2, 3]]));
  expect(wrong).toBeInstanceOf(ShapeMismatchError);
  expect(wrong.message).toBe("OneNearestNeighbor.predict: X has 3 features but the training data had 2");
});
