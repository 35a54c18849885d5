/** scatter2d's marker sizes, the picture of sample weights (an additive option of src/plot used by notebook 02). */
import { scatter2d } from "../../src/plot/figures";

test("sizes: area ∝ weight, 2 px at 0 and 18 px at the largest, per domain; default 6 px", () => {
  const fig = scatter2d([[0, 0], [1, 1], [2, 2]], [[0, 1], [1, 0]], { sourceSizes: [0, 1, 4], targetSizes: [5, 5] });
  const [source, target] = fig.data as { marker: { size: number[] | number } }[];
  expect(source.marker.size).toEqual([2, 2 + 16 * Math.sqrt(1 / 4), 18]);
  expect(target.marker.size).toEqual([18, 18]);
  const plain = scatter2d([[0, 0]], null);
  expect((plain.data[0] as { marker: { size: number } }).marker.size).toBe(6);
});

test("sizes follow the classes' traces and the subsample", () => {
  const fig = scatter2d([[0, 0], [1, 1], [2, 2], [3, 3]], null, { sourceLabels: [0, 1, 0, 1], sourceSizes: [1, 0, 1, 0] });
  const sizes = (fig.data as { marker: { size: number[] } }[]).map((t) => t.marker.size);
  expect(sizes).toEqual([[18, 18], [2, 2]]);
});

test("bad sizes name the option", () => {
  expect(() => scatter2d([[0, 0], [1, 1]], null, { sourceSizes: [1] })).toThrow(/sourceSizes has 1 values for 2 rows/);
  expect(() => scatter2d([[0, 0]], [[1, 1]], { targetSizes: [-1] })).toThrow(/targetSizes\[0\] = -1 must be a finite number ≥ 0/);
});
