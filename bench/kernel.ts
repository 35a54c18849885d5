/**
 * The transferlab kernel against plain tslab 1.0.22, in one run (issue 3's targets: start to the first
 * result of `1 + 1` ≤ 2 s, a trivial cell's round trip ≤ 10 ms), plus where the kernel's start-up time goes.
 *
 *   npm run bench:kernel            (BENCH_STARTS=N starts per kernel, default 5; BENCH_CELLS=N, default 50)
 *
 * Each start is a fresh process through our Jupyter client, as `tlab run` starts kernels; starts
 * alternate between the kernels so that a busy machine slows all of them alike. "ours, no code cache"
 * is a first start after installing (TLAB_KERNEL_CACHE=off).
 */
import * as os from "os";
import * as path from "path";
import { kernelArgv, tslabKernelArgv } from "@transferlab/kernel-ext/lib/kernel";
import { KernelClient } from "@transferlab/kernel-ext/lib/run/client";

// compiled to bench/lib/bench/kernel.js
const ROOT = path.resolve(__dirname, "../../..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CELLS = Number(process.env.BENCH_CELLS ?? 50);

interface Variant {
  name: string;
  argv: string[];
  env: Record<string, string>;
}

interface Sample {
  startToFirstMs: number;
  roundTripMs?: number;
  phases?: Record<string, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function sample(v: Variant, cells: number): Promise<Sample> {
  const client = new KernelClient();
  const t0 = process.hrtime.bigint();
  try {
    await client.start(v.argv, NOTEBOOKS, { TLAB_KERNEL_TIMING: "1", ...v.env });
    const first = await client.execute("1 + 1");
    if (first.status !== "ok") throw new Error(`${v.name}: 1 + 1 failed: ${JSON.stringify(first.outputs)}`);
    const startToFirstMs = Number(process.hrtime.bigint() - t0) / 1e6;
    let roundTripMs: number | undefined;
    if (cells > 0) {
      const times: number[] = [];
      for (let i = 0; i < cells; i++) {
        const t = process.hrtime.bigint();
        await client.execute("1");
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      roundTripMs = median(times);
    }
    const m = /start-up \(ms since the process started\): (\{.*\})/.exec(client.stderrTail);
    return { startToFirstMs, roundTripMs, phases: m ? (JSON.parse(m[1]) as Record<string, number>) : undefined };
  } finally {
    await client.shutdown();
  }
}

async function main(): Promise<void> {
  const variants: Variant[] = [
    { name: "transferlab", argv: kernelArgv(), env: {} },
    { name: "transferlab, no code cache", argv: kernelArgv(), env: { TLAB_KERNEL_CACHE: "off" } },
    { name: "tslab 1.0.22", argv: tslabKernelArgv(), env: {} },
  ];
  console.log(`bench/kernel: ${STARTS} starts per kernel, ${CELLS} trivial cells per start; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}, Node ${process.version}`);
  await sample(variants[0], 0); // warms the OS file cache and writes the kernel's code cache
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < STARTS; i++) {
    for (const v of variants) samples.get(v.name)!.push(await sample(v, CELLS));
  }
  const row = (name: string) => {
    const s = samples.get(name)!;
    return { start: median(s.map((x) => x.startToFirstMs)), rt: median(s.map((x) => x.roundTripMs ?? NaN)) };
  };
  const ours = row("transferlab");
  const tslab = row("tslab 1.0.22");
  console.log("\nkernel                        start → first 1 + 1   trivial cell round trip (median)");
  for (const v of variants) {
    const r = row(v.name);
    console.log(`${v.name.padEnd(30)}${`${r.start.toFixed(0)} ms`.padStart(19)}${`${r.rt.toFixed(1)} ms`.padStart(26)}`);
  }
  console.log(`\nratio ours / tslab: start ${(ours.start / tslab.start).toFixed(2)}×, round trip ${(ours.rt / tslab.rt).toFixed(2)}×` +
    `   (targets: start ≤ 2000 ms: ${ours.start <= 2000 ? "met" : "NOT met"}; round trip ≤ 10 ms: ${ours.rt <= 10 ? "met" : "NOT met"})`);

  // where our start-up goes: the kernel's own milestones, ms since its process started (medians)
  for (const name of ["transferlab", "transferlab, no code cache"]) {
    const phases = samples.get(name)!.map((s) => s.phases).filter((p): p is Record<string, number> => p !== undefined);
    if (!phases.length) continue;
    const at = (k: string) => median(phases.map((p) => p[k]));
    const steps: [string, number][] = [
      ["Node start-up and the kernel's modules (zeromq)", at("modules")],
      ["bind sockets, start the control thread", at("sockets") - at("modules")],
      ["load TypeScript (tslab's 5.0 fork)", at("typescript") - at("sockets")],
      ["build the program: lib + @types declarations", at("compiler") - at("typescript")],
      ["first cell: check, emit, run 1 + 1", at("firstCell") - at("compiler")],
    ];
    console.log(`\nwhere the start-up time of "${name}" goes (in the kernel process, ${at("firstCell")} ms to the first reply):`);
    for (const [what, ms] of steps) console.log(`  ${what.padEnd(50)}${`${Math.round(ms)} ms`.padStart(8)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
