import { mean, std, pct, signed, gainedLost, beats, holds, count, since, isClose } from "../../src/report";

test("mean and std (population by default, sample on request); no values is an error, a NaN propagates", () => {
  expect(mean([1, 2, 3, 6])).toBe(3);
  expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  expect(std([2, 4, 4, 4, 5, 5, 7, 9], { sample: true })).toBeCloseTo(Math.sqrt(32 / 7), 12);
  expect(std([5], { sample: true })).toBe(0);
  expect(mean(new Float32Array([1, 2]))).toBe(1.5);
  expect(() => mean([])).toThrow("mean: no values");
  expect(mean([1, NaN])).toBeNaN();
});

test("pct, signed and since round as the notebooks print", () => {
  expect(pct(0.91234)).toBe(91.23);
  expect(pct(0.91234, 1)).toBe(91.2);
  expect(signed(5.31)).toBe("+5.3");
  expect(signed(-1.6)).toBe("−1.6");
  expect(signed(-0.04)).toBe("0.0");
  expect(since(Date.now() - 1500)).toBeGreaterThanOrEqual(1.5);
});

test("the wording follows the direction and size of the effect", () => {
  expect(gainedLost(5.31)).toBe("gained 5.3 points");
  expect(gainedLost(-1.6)).toBe("lost 1.6 points");
  expect(gainedLost(1.04)).toBe("gained 1.0 point");
  expect(gainedLost(0.02)).toBe("changed nothing (0.0 points)");
  expect(beats(0.9, 0.8)).toBe("beats");
  expect(beats(0.8, 0.8)).toBe("does not beat");
  expect(holds(true)).toBe("holds");
  expect(holds(false)).toBe("does not hold");
  expect(count(1, "pair")).toBe("1 pair");
  expect(count(6, "pair")).toBe("6 pairs");
});

test("isClose: relative above 1, absolute below", () => {
  expect(isClose(1000.0005, 1000)).toBe(true);
  expect(isClose(1000.002, 1000)).toBe(false);
  expect(isClose(1e-7, 0)).toBe(true);
  expect(isClose(2e-6, 0)).toBe(false);
  expect(isClose(0.5, 0.51, 0.02)).toBe(true);
});
