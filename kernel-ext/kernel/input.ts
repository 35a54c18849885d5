/**
 * `await input("Your name: ")`: read one line from the user. In the transferlab kernel this is Jupyter's
 * input_request on the stdin channel (the front end shows an input box); it fails when the front end
 * does not accept input (allow_stdin false, e.g. headless runs). In plain Node it reads the terminal.
 */
import * as readline from "readline";

const KERNEL_INPUT = Symbol.for("transferlab.input");

export interface InputOptions {
  /** hide what is typed (the front end shows a password field) */
  password?: boolean;
}

export function input(prompt = "", options: InputOptions = {}): Promise<string> {
  const kernel = (globalThis as Record<symbol, unknown>)[KERNEL_INPUT];
  if (typeof kernel === "function") return (kernel as (p: string, password: boolean) => Promise<string>)(prompt, Boolean(options.password));
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    rl.once("close", () => reject(new Error("input(): standard input ended before a line was read")));
    rl.question(prompt, (answer) => {
      rl.removeAllListeners("close");
      rl.close();
      resolve(answer);
    });
  });
}
