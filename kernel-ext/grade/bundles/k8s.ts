/**
 * `tlab grade k8s`: a Kubernetes Indexed Job (completionMode: Indexed; pod i grades `--shard i+1/N`, from
 * JOB_COMPLETION_INDEX), a merge Job to apply once it completed, a NetworkPolicy that cuts the grading
 * pods off the network, and a Dockerfile for the grading image (Node 20, the project, `npm ci --omit=dev`).
 * Manifests are JSON, which kubectl reads as it reads YAML.
 *
 * A default pod refuses `unshare`, so tlab's own sandbox is off there (--insecure); the pod's isolation is
 * what the manifest declares, and it is written into the gradebook as the sandbox in force
 * (TLAB_CONTAINER_ISOLATION, recorded by autograde beside the parts of ours that were off).
 */
import * as path from "path";
import { autogradeLine, shardFiles, shq, writeBundle, type GradeJob } from "./common";

export interface K8sJob extends Omit<GradeJob, "tlab" | "insecure"> {
  /** the grading image (built from the Dockerfile written beside the manifests) */
  image?: string;
  /** a PersistentVolumeClaim holding the sources, the submissions and the gradebooks, mounted at `mount` */
  pvc?: string;
  mount?: string;
  namespace?: string;
  /** per pod (requests = limits: a guaranteed pod) */
  cpu?: string;
  memory?: string;
  /** the command that runs tlab in the image (default: node /opt/transferlab/kernel-ext/bin/tlab.js) */
  tlab?: string;
  /** where the pods write the shard gradebooks and the merge, as they see it (default: <mount>/grades) */
  gradebooks?: string;
}

const USER_ID = 10001;
const NAME = "tlab-grade";

/** The isolation the manifest gives each grading pod, in words, from the same values it is written with. */
export function podIsolation(cpu: string, memory: string): string {
  return (
    `kubernetes pod: NetworkPolicy ${NAME}-no-network (no ingress, no egress), user ${USER_ID} (runAsNonRoot), ` +
    `no privilege escalation, all capabilities dropped, read-only root filesystem, seccomp RuntimeDefault, limits cpu=${cpu} memory=${memory}`
  );
}

function inPod(p: string, flag: string): string {
  if (!path.isAbsolute(p)) throw new Error(`${flag} ${p}: give the path as the pod sees it (absolute, under the volume's mount)`);
  return p;
}

export function k8sBundle(job: K8sJob): string[] {
  if (!job.sources.length) throw new Error("--source is required");
  if (!Number.isInteger(job.shards) || job.shards < 1) throw new Error(`--shards must be a whole number ≥ 1, got "${job.shards}"`);
  const mount = job.mount ?? "/course";
  const image = job.image ?? "transferlab-grade:latest";
  const cpu = job.cpu ?? "4";
  const memory = job.memory ?? "8Gi";
  const tlab = job.tlab ?? "node /opt/transferlab/kernel-ext/bin/tlab.js";
  const out = inPod(job.gradebooks ?? path.join(mount, "grades"), "--gradebooks");
  const shards = path.join(out, "shards");
  for (const s of job.sources) inPod(s, "--source");
  inPod(job.submissions, "--submissions");
  const shardNo = "$((JOB_COMPLETION_INDEX + 1))";
  // the pod's entry command: shard JOB_COMPLETION_INDEX + 1 of N (Kubernetes counts from 0, --shard from 1)
  const entry = [
    `: "\${JOB_COMPLETION_INDEX:?set by Kubernetes for an Indexed Job}"`,
    `mkdir -p ${shq(shards)}`,
    `exec ${autogradeLine({ ...job, tlab, insecure: true, workers: job.workers ?? Math.max(1, Math.floor(Number(cpu)) || 1) }, tlab, shardNo, `${shq(shards)}/grades-"${shardNo}".sqlite`, (p) => p)}`,
  ].join("\n");
  const merged = path.join(out, "grades.sqlite");
  const mergeEntry = [
    `${tlab} grade merge --out ${shq(merged)} ${shardFiles(shards, job.shards).map(shq).join(" ")}`,
    "status=$?",
    "[ $status -le 1 ] || exit $status",
    `${tlab} grade export --gradebook ${shq(merged)} --csv ${shq(path.join(out, "grades.csv"))} --gradescope ${shq(path.join(out, "gradescope"))} || exit $?`,
    "exit $status",
  ].join("\n");
  const volumes = [
    { name: "course", ...(job.pvc ? { persistentVolumeClaim: { claimName: job.pvc } } : { emptyDir: {} }) },
    // the root file system is read-only: kernels, the compile service and node write here
    { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
  ];
  const container = (name: string, script: string, env: { name: string; value: string }[]) => ({
    name,
    image,
    command: ["/bin/sh", "-c", script],
    env: [...env, { name: "HOME", value: "/tmp" }, { name: "TMPDIR", value: "/tmp" }],
    resources: { requests: { cpu, memory }, limits: { cpu, memory } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
    volumeMounts: [
      { name: "course", mountPath: mount },
      { name: "tmp", mountPath: "/tmp" },
    ],
  });
  const podSpec = (c: ReturnType<typeof container>) => ({
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsUser: USER_ID, runAsGroup: USER_ID, fsGroup: USER_ID, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [c],
    volumes,
  });
  const meta = (name: string) => ({ name, ...(job.namespace ? { namespace: job.namespace } : {}), labels: { app: NAME } });
  const gradeJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta(NAME),
    spec: {
      completionMode: "Indexed",
      completions: job.shards,
      parallelism: job.shards,
      // a failed pod is started again: it resumes its shard (grades only what is missing)
      backoffLimit: 2 * job.shards,
      template: {
        metadata: { labels: { app: NAME, role: "shard" } },
        spec: podSpec(container("grade", entry, [{ name: "TLAB_CONTAINER_ISOLATION", value: podIsolation(cpu, memory) }])),
      },
    },
  };
  const mergeJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta(`${NAME}-merge`),
    spec: { completions: 1, parallelism: 1, backoffLimit: 1, template: { metadata: { labels: { app: NAME, role: "merge" } }, spec: podSpec(container("merge", mergeEntry, [])) } },
  };
  const policy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(`${NAME}-no-network`),
    spec: { podSelector: { matchLabels: { app: NAME } }, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] },
  };
  const dockerfile = `# The grading image: docker build -f Dockerfile -t ${image} PROJECT_FOLDER (the transferlab checkout)
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/transferlab
COPY . .
RUN rm -rf node_modules */node_modules && npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
# util-linux: unshare, setpriv, prlimit (tlab's sandbox, where a pod allows it); a compiler for the native modules
RUN apt-get update && apt-get install -y --no-install-recommends util-linux python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/transferlab
COPY --from=build /opt/transferlab/package.json /opt/transferlab/package-lock.json /opt/transferlab/tsconfig.base.json ./
COPY --from=build /opt/transferlab/tools tools
COPY --from=build /opt/transferlab/src src
COPY --from=build /opt/transferlab/kernel-ext kernel-ext
COPY --from=build /opt/transferlab/data data
# production dependencies only; the sources were built in the first stage (prepare would need dev tools)
RUN rm -rf src/node_modules kernel-ext/node_modules data/node_modules \\
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 zeromq
USER ${USER_ID}:${USER_ID}
ENV HOME=/tmp TMPDIR=/tmp
`;
  const readme = `# Grading on Kubernetes: ${job.shards} shard(s)

Written by \`tlab grade k8s\`. An Indexed Job of ${job.shards} pod(s): pod i (\`JOB_COMPLETION_INDEX\`) grades
shard i+1/${job.shards} into \`${shards}/grades-(i+1).sqlite\`; the merge Job joins them into \`${merged}\`
and exports \`grades.csv\` and \`gradescope/\`. Paths are as the pods see them: the volume${job.pvc ? ` (PVC \`${job.pvc}\`)` : ""} is
mounted at \`${mount}\`${job.pvc ? "" : " (an emptyDir: give --pvc CLAIM for a volume holding the course)"}.

\`\`\`
docker build -f Dockerfile -t ${image} PROJECT_FOLDER && docker push ${image}      # 1. the grading image
kubectl apply -f networkpolicy.json -f job.json                                      # 2. the shards
kubectl wait --for=condition=complete job/${NAME} --timeout=24h && kubectl apply -f merge-job.json   # 3. merge
\`\`\`

**Isolation.** A default pod refuses \`unshare\`, so tlab's sandbox (own user, PID, network and mount
namespaces per kernel) is off and the shards run with \`--insecure\`. What isolates the grading is the
pod, as this manifest declares it, and that is what the gradebook records as the sandbox in force
(\`sandbox\` column: \`off: …; container: ${podIsolation(cpu, memory)}\`). The NetworkPolicy holds only
where the cluster's network plugin enforces NetworkPolicies. Student code of one shard shares the pod with
the others of that shard and can read the sources (hidden tests) mounted there: where that matters, grade
on nodes that allow tlab's sandbox (Slurm, or a privileged pod) instead.

A pod that failed is started again (backoffLimit) and resumes its shard; the merge can be applied again
(it changes nothing already merged). A pod whose submissions folder is missing or empty fails, naming it.
`;
  return writeBundle(path.resolve(job.out), {
    "job.json": JSON.stringify(gradeJob, null, 2) + "\n",
    "merge-job.json": JSON.stringify(mergeJob, null, 2) + "\n",
    "networkpolicy.json": JSON.stringify(policy, null, 2) + "\n",
    Dockerfile: dockerfile,
    // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: the build context is the project
    "Dockerfile.dockerignore": "node_modules\n*/node_modules\n*/lib\n.git\nbench/lib\n",
    "README.md": readme,
  });
}
