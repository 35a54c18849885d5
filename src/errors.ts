/**
 * Typed errors, so callers can catch by kind (`e instanceof tl.InvalidOptionError`) while the messages stay
 * "where: what" (`TCA: unknown option "lamda" (did you mean "lambda"?); …`).
 *
 * - `TransferlabError`: the base of every error the library throws on purpose;
 * - `InvalidOptionError`: an unknown option, or an option of the wrong type or range;
 * - `ShapeMismatchError`: arrays whose shapes or lengths do not fit together;
 * - `NotFittedError`: a method used before `fit`;
 * - `ConvergenceWarning`: not thrown; its message is emitted once per solver and caller through
 *   `process.emitWarning(message, "ConvergenceWarning")` (Node prints it on stderr; `process.on("warning", …)` sees
 *   it with `name === "ConvergenceWarning"`) when an iterative solve stopped without converging.
 */

export class TransferlabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidOptionError extends TransferlabError {}

export class ShapeMismatchError extends TransferlabError {}

export class NotFittedError extends TransferlabError {}

/** How an iterative solver stopped: its criterion met, no further progress possible, or out of iterations. */
export type SolverStatus = "converged" | "stalled" | "iteration-limit";

export class ConvergenceWarning extends TransferlabError {
  /** who solved (e.g. "TCA", "LogisticRegression"), the solver and how it ended */
  constructor(
    readonly where: string,
    readonly solver: string,
    readonly status: Exclude<SolverStatus, "converged">,
    /** the final gradient norm (L-BFGS) or residual (eigen, QP) */
    readonly residual: number,
    readonly iterations: number,
  ) {
    super(`${where}: ${solver} did not converge (${status} after ${iterations} iterations, ${solver === "L-BFGS" ? "gradient norm" : "residual"} ${residual.toExponential(2)}); ` +
      `results may be inaccurate`);
  }
}

const warned = new Set<string>();

/**
 * Warn once per (where, solver, status) in this process that a solve did not converge; returns the warning, or
 * null when `status` is "converged" or this one was already issued. The one call the methods make after a solve.
 */
export function warnIfNotConverged(
  where: string,
  solver: string,
  result: { status: SolverStatus; residual: number; iterations: number },
): ConvergenceWarning | null {
  if (result.status === "converged") return null;
  const key = `${where}\u0000${solver}\u0000${result.status}`;
  if (warned.has(key)) return null;
  warned.add(key);
  const warning = new ConvergenceWarning(where, solver, result.status, result.residual, result.iterations);
  // as a string with its type: an Error from another realm (jest's, a vm context) is refused by emitWarning
  process.emitWarning(warning.message, "ConvergenceWarning");
  return warning;
}

/** Forget which warnings were issued (tests). */
export function resetConvergenceWarnings(): void {
  warned.clear();
}
