import { checkOptions } from "../../src/options";

describe("checkOptions", () => {
  const defaults = { lambda: 1, dim: 30, kernel: "linear", gamma: undefined as number | undefined };

  it("merges given options over the defaults, keeping defaults for undefined values", () => {
    expect(checkOptions("TCA", { dim: 10, gamma: undefined }, defaults)).toEqual({ lambda: 1, dim: 10, kernel: "linear", gamma: undefined });
    expect(checkOptions("TCA", undefined, defaults)).toEqual(defaults);
    expect(checkOptions("TCA", { gamma: 0.5 }, defaults).gamma).toBe(0.5);
  });

  it("rejects an unknown option, naming it, suggesting the closest and listing the valid ones", () => {
    expect(() => checkOptions("TCA", { lamda: 2 }, defaults)).toThrow(
      'TCA: unknown option "lamda" (did you mean "lambda"?); valid options: lambda, dim, kernel, gamma',
    );
    expect(() => checkOptions("TCA", { zzzzzzzz: 2 }, defaults)).toThrow(/unknown option "zzzzzzzz"; valid options: lambda, dim, kernel, gamma/);
  });

  it("rejects a value of the wrong type or a non-finite number", () => {
    expect(() => checkOptions("TCA", { dim: "10" }, defaults)).toThrow(/option "dim" must be a number, got string/);
    expect(() => checkOptions("TCA", { dim: NaN }, defaults)).toThrow(/option "dim" must be a finite number/);
    expect(() => checkOptions("TCA", 5 as unknown as object, defaults)).toThrow(/options must be an object/);
  });
});
