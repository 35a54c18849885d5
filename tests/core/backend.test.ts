import * as tf from "@tensorflow/tfjs";
import { useBestBackend, backendReport } from "../../src/backend";

describe("useBestBackend", () => {
  const saved = process.env.TL_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.TL_BACKEND;
    else process.env.TL_BACKEND = saved;
  });

  test("takes wasm here and says why the native backend was skipped", async () => {
    delete process.env.TL_BACKEND;
    const choice = await useBestBackend({ quiet: true });
    expect(tf.getBackend()).toBe(choice.backend);
    // this machine has no libtensorflow (the optional tfjs-node-gpu is absent) and no Vulkan loader for WebGPU,
    // so wasm must win
    expect(choice.backend).toBe("wasm");
    expect(choice.skipped.map((s) => s.backend)).toEqual(["tensorflow", "webgpu"]);
    expect(backendReport(choice)).toMatch(/^transferlab backend: wasm .* skipped tensorflow: /);
  });

  test("WebGPU is considered only for code that reads tensors asynchronously (syncReads: false)", async () => {
    delete process.env.TL_BACKEND;
    const byDefault = await useBestBackend({ quiet: true });
    expect(byDefault.skipped.find((s) => s.backend === "webgpu")?.reason).toMatch(/read tensors synchronously, which WebGPU in Node cannot/);
    const asyncOnly = await useBestBackend({ quiet: true, syncReads: false });
    // tried for real this time: here it fails for want of a GPU (no Vulkan loader or no adapter), not by rule
    const reason = asyncOnly.skipped.find((s) => s.backend === "webgpu")?.reason ?? "";
    expect(reason).not.toMatch(/synchronously/);
    expect(reason).toMatch(/Vulkan|adapter|webgpu/i);
  });

  test("TL_BACKEND forces a backend", async () => {
    process.env.TL_BACKEND = "cpu";
    const choice = await useBestBackend({ quiet: true });
    expect(choice).toMatchObject({ backend: "cpu", forced: true });
    expect(tf.getBackend()).toBe("cpu");
  });

  test("an unknown TL_BACKEND is an error listing the valid names", async () => {
    process.env.TL_BACKEND = "cuda";
    await expect(useBestBackend({ quiet: true })).rejects.toThrow("TL_BACKEND=cuda is not a backend transferlab knows; valid: tensorflow, webgpu, wasm, cpu");
  });

  test("forcing the native backend where it cannot load says why", async () => {
    process.env.TL_BACKEND = "tensorflow";
    await expect(useBestBackend({ quiet: true })).rejects.toThrow(/TL_BACKEND=tensorflow was asked for but cannot be used: .*tfjs-node-gpu/);
  });
});
