import type { Cell } from "../../kernel-ext/notebook";
import { computeChecksum, pythonFloat } from "../../kernel-ext/grade/checksum";

const cell = (cell_type: "code" | "markdown", source: string, nbgrader: Record<string, unknown>): Cell =>
  (cell_type === "code"
    ? { cell_type, source, metadata: { nbgrader }, outputs: [], execution_count: null }
    : { cell_type, source, metadata: { nbgrader } }) as unknown as Cell;

describe("nbgrader checksum (vectors from nbgrader's submitted-unchanged.ipynb)", () => {
  it.each([
    [cell("code", "# YOUR CODE HERE\nraise NotImplementedError()", { grade: false, solution: true, grade_id: "set_a" }), "3d6aac4236f8e1ec85380e692dcc51b1"],
    [cell("code", 'print("Success!")', { grade: true, points: 1, solution: false, grade_id: "foo" }), "8bb5c7c6f388fae724e5ef53dc4deeb2"],
    [cell("markdown", "YOUR ANSWER HERE", { grade: true, points: 2, solution: true, grade_id: "baz" }), "9e51fd0022c24c4105e38369d2f9d751"],
    [cell("code", "print(\"Don't change this cell!\")", { locked: true, grade: false, solution: false, grade_id: "ro1" }), "86f5f877fe95faac003fcd4b8d43d093"],
    [cell("markdown", "This cell shouldn't be changed.", { locked: true, grade: false, solution: false, grade_id: "ro2" }), "0122b50e5eaf367b9874d07ebaf80521"],
  ])("%#", (c, sum) => expect(computeChecksum(c)).toBe(sum));

  it("joins multi-line sources before hashing", () => {
    const c = cell("code", "# YOUR CODE HERE\nraise NotImplementedError()", { solution: true, grade_id: "set_a" });
    (c as { source: string[] }).source = ["# YOUR CODE HERE\n", "raise NotImplementedError()"];
    expect(computeChecksum(c)).toBe("3d6aac4236f8e1ec85380e692dcc51b1");
  });

  it("formats points as Python's str(float)", () => {
    expect([1, 2, 0.5, 1e-7, 0, 1e16, 123.25].map(pythonFloat)).toEqual(["1.0", "2.0", "0.5", "1e-07", "0.0", "1e+16", "123.25"]);
  });
});
