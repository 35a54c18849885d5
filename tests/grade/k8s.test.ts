/**
 * `tlab grade k8s`: no cluster here, so the manifests are checked against a schema of the Kubernetes API
 * fields they use (batch/v1 Job, networking.k8s.io/v1 NetworkPolicy: unknown fields and bad values fail),
 * and the pods' entry commands are run locally as Kubernetes would run them, with JOB_COMPLETION_INDEX.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import Database from "better-sqlite3";
import { k8sBundle } from "../../kernel-ext/grade/bundles/k8s";
import { shardOf } from "../../kernel-ext/grade/shard";
import { FIXTURE, INSECURE, RIGHT, submission, writeSubmission } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-k8s-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// the fields of the Kubernetes API reference (v1.29) the manifests use; anything else is an error
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });
const dnsLabel = { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 };
const quantity = { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$" };
const labels = { type: "object", additionalProperties: { type: "string" } };
const metadata = closed({ name: dnsLabel, namespace: dnsLabel, labels }, ["name"]);
const container = closed(
  {
    name: dnsLabel,
    image: { type: "string", minLength: 1 },
    command: { type: "array", items: { type: "string" } },
    args: { type: "array", items: { type: "string" } },
    env: { type: "array", items: closed({ name: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }, value: { type: "string" } }, ["name"]) },
    resources: closed({ requests: closed({ cpu: quantity, memory: quantity }), limits: closed({ cpu: quantity, memory: quantity }) }),
    securityContext: closed({
      allowPrivilegeEscalation: { type: "boolean" },
      readOnlyRootFilesystem: { type: "boolean" },
      runAsNonRoot: { type: "boolean" },
      capabilities: closed({ drop: { type: "array", items: { type: "string" } }, add: { type: "array", items: { type: "string" } } }),
    }),
    volumeMounts: { type: "array", items: closed({ name: dnsLabel, mountPath: { type: "string", pattern: "^/" }, readOnly: { type: "boolean" } }, ["name", "mountPath"]) },
  },
  ["name", "image"],
);
const podSpec = closed(
  {
    restartPolicy: { enum: ["Never", "OnFailure"] }, // a Job's pods may not be "Always"
    automountServiceAccountToken: { type: "boolean" },
    enableServiceLinks: { type: "boolean" },
    securityContext: closed({
      runAsUser: { type: "integer", minimum: 0 },
      runAsGroup: { type: "integer", minimum: 0 },
      fsGroup: { type: "integer", minimum: 0 },
      runAsNonRoot: { type: "boolean" },
      seccompProfile: closed({ type: { enum: ["RuntimeDefault", "Localhost", "Unconfined"] } }, ["type"]),
    }),
    containers: { type: "array", minItems: 1, items: container },
    volumes: {
      type: "array",
      items: {
        oneOf: [
          closed({ name: dnsLabel, emptyDir: closed({ sizeLimit: quantity, medium: { type: "string" } }) }, ["name", "emptyDir"]),
          closed({ name: dnsLabel, persistentVolumeClaim: closed({ claimName: dnsLabel, readOnly: { type: "boolean" } }, ["claimName"]) }, ["name", "persistentVolumeClaim"]),
        ],
      },
    },
  },
  ["containers", "restartPolicy"],
);
const job = closed(
  {
    apiVersion: { const: "batch/v1" },
    kind: { const: "Job" },
    metadata,
    spec: closed(
      {
        completionMode: { enum: ["NonIndexed", "Indexed"] },
        completions: { type: "integer", minimum: 1 },
        parallelism: { type: "integer", minimum: 0 },
        backoffLimit: { type: "integer", minimum: 0 },
        template: closed({ metadata: closed({ labels }), spec: podSpec }, ["spec"]),
      },
      ["template"],
    ),
  },
  ["apiVersion", "kind", "metadata", "spec"],
);
const networkPolicy = closed(
  {
    apiVersion: { const: "networking.k8s.io/v1" },
    kind: { const: "NetworkPolicy" },
    metadata,
    spec: closed(
      {
        podSelector: closed({ matchLabels: labels }),
        policyTypes: { type: "array", items: { enum: ["Ingress", "Egress"] } },
        ingress: { type: "array", maxItems: 0 },
        egress: { type: "array", maxItems: 0 },
      },
      ["podSelector"],
    ),
  },
  ["apiVersion", "kind", "metadata", "spec"],
);

const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
const tlabHere = `${process.execPath} ${path.join(ROOT, "kernel-ext", "bin", "tlab.js")}`;

describe("tlab grade k8s", () => {
  it("writes an Indexed Job, a merge Job and a NetworkPolicy that pass the API schema", () => {
    const out = path.join(tmp, "schema");
    k8sBundle({ sources: ["/course/source/squares.ipynb"], submissions: "/course/submitted", shards: 5, out, pvc: "course-data", cpu: "2", memory: "4Gi" });
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const [file, schema] of [["job.json", job], ["merge-job.json", job], ["networkpolicy.json", networkPolicy]] as const) {
      const ok = ajv.validate(schema, read(path.join(out, file)));
      expect({ file, errors: ok ? [] : ajv.errorsText(ajv.errors).split(", ") }).toEqual({ file, errors: [] });
    }
    const j = read(path.join(out, "job.json"));
    expect(j.spec).toMatchObject({ completionMode: "Indexed", completions: 5, parallelism: 5 });
    const c = j.spec.template.spec.containers[0];
    expect(c.command[2]).toContain('--shard "$((JOB_COMPLETION_INDEX + 1))/5"');
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    expect(c.resources).toEqual({ requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    // every mount names a volume; the policy selects the grading pods
    const volumes = j.spec.template.spec.volumes.map((v: { name: string }) => v.name);
    for (const m of c.volumeMounts) expect(volumes).toContain(m.name);
    expect(read(path.join(out, "networkpolicy.json")).spec.podSelector.matchLabels).toEqual({ app: j.spec.template.metadata.labels.app });
    // the isolation recorded is the manifest's
    expect(c.env.find((e: { name: string }) => e.name === "TLAB_CONTAINER_ISOLATION").value).toMatch(/user 10001 .*read-only root filesystem.*limits cpu=2 memory=4Gi/);
    const docker = fs.readFileSync(path.join(out, "Dockerfile"), "utf8");
    expect(docker).toMatch(/^FROM node:20/m);
    expect(docker).toContain("npm ci --omit=dev");
    expect(() => k8sBundle({ sources: ["course/squares.ipynb"], submissions: "/course/submitted", shards: 2, out })).toThrow(/--source course\/squares\.ipynb: give the path as the pod sees it/);
  });

  it("runs each pod's entry command as Kubernetes would, with JOB_COMPLETION_INDEX, then the merge", () => {
    const subs = path.join(tmp, "submitted");
    const students = ["ann", "bob", "cai", "fay"];
    for (const s of students) writeSubmission(subs, s, submission(s < "c" ? RIGHT : { square: RIGHT.square }));
    const grades = path.join(tmp, "grades");
    const out = path.join(tmp, "bundle");
    k8sBundle({ sources: [FIXTURE], submissions: subs, shards: 2, out, gradebooks: grades, tlab: tlabHere, cpu: "1", timeoutSec: 20 });
    const pod = (manifest: string, env: Record<string, string>) => {
      const c = read(path.join(out, manifest)).spec.template.spec.containers[0];
      const podEnv = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      // (HOME and TMPDIR as the pod has them: its /tmp volume)
      return spawnSync(c.command[0], c.command.slice(1), { env: { PATH: process.env.PATH, ...podEnv, ...env }, encoding: "utf8", timeout: 240_000 }); // loose: machines are shared
    };
    expect(pod("job.json", {}).stderr).toMatch(/JOB_COMPLETION_INDEX: set by Kubernetes for an Indexed Job/);
    for (const index of [0, 1]) {
      const r = pod("job.json", { JOB_COMPLETION_INDEX: String(index) });
      expect({ index, status: r.status, err: r.status ? r.stderr : "" }).toEqual({ index, status: 0, err: "" });
      // pod i graded shard i+1: exactly the students hashed there
      const db = new Database(path.join(grades, "shards", `grades-${index + 1}.sqlite`), { readonly: true });
      const graded = (db.prepare("SELECT student FROM submissions ORDER BY student").all() as { student: string }[]).map((x) => x.student);
      const run = JSON.parse((db.prepare("SELECT sandbox FROM runs").get() as { sandbox: string }).sandbox);
      db.close();
      expect(graded).toEqual(students.filter((s) => shardOf(s, 2) === index + 1));
      expect(run).toMatchObject({ insecure: true, shard: `${index + 1}/2`, container: expect.stringMatching(/^kubernetes pod: NetworkPolicy/) });
    }
    const merged = pod("merge-job.json", {});
    expect(merged.status).toBe(0);
    const csv = fs.readFileSync(path.join(grades, "grades.csv"), "utf8").trim().split("\n");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(["ann,squares,5", "bob,squares,5", "cai,squares,2", "fay,squares,2"]);
    // where our sandbox was off (no root here), the pod's isolation is the sandbox the CSV records
    if (INSECURE) expect(csv[1]).toMatch(/off: .*; container: kubernetes pod/);
    else expect(csv[1]).toMatch(/,on,/);
  }, 600_000);
});
