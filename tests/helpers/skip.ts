/**
 * Skipping a test that cannot run here, out loud: jest's `it.skip` prints nothing in a passing run, and the
 * project's rule is that a check that cannot run prints SKIPPED and why.
 */

/** `it`, or, when `reason` is a string, an `it.skip` that first prints "SKIPPED <name>: <reason>". */
export function itUnless(reason: string | null): jest.It {
  if (reason === null) return it;
  const skip = ((name: string, ...rest: unknown[]) => {
    // eslint-disable-next-line no-console
    console.log(`SKIPPED ${name}: ${reason}`);
    return (it.skip as (...a: unknown[]) => void)(name, ...rest);
  }) as unknown as jest.It;
  return skip;
}
