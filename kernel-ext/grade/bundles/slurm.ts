/**
 * `tlab grade slurm`: a Slurm job array grading one shard per task (`#SBATCH --array=1-N`, task K runs
 * `--shard K/N` into a gradebook of its own), and a merge job that depends on it (afterok: it starts when
 * every shard succeeded). Slurm schedules; we only split and merge. Paths are absolute: the nodes are
 * expected to share the file system holding the project, the sources, the submissions and --out.
 */
import * as path from "path";
import { autogradeLine, checkJob, defaultTlab, shardFiles, shq, writeBundle, type GradeJob } from "./common";

export interface SlurmJob extends GradeJob {
  /** CPUs per array task (default 16: one node of a usual cluster); the shard's --workers unless given */
  cpusPerTask?: number;
  partition?: string;
  /** Slurm's --time of a shard, e.g. "02:00:00" */
  time?: string;
  /** memory per array task, e.g. "32G" */
  mem?: string;
}

export function slurmBundle(job: SlurmJob): string[] {
  checkJob(job);
  const out = path.resolve(job.out);
  const tlab = job.tlab ?? defaultTlab();
  const cpus = job.cpusPerTask ?? 16;
  const shardsDir = path.join(out, "shards");
  const merged = path.join(out, "grades.sqlite");
  const common = [
    ...(job.partition ? [`#SBATCH --partition=${job.partition}`] : []),
    ...(job.time ? [`#SBATCH --time=${job.time}`] : []),
  ];
  const grade = [
    "#!/bin/bash",
    "#SBATCH --job-name=tlab-grade",
    `#SBATCH --array=1-${job.shards}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    ...(job.mem ? [`#SBATCH --mem=${job.mem}`] : []),
    `#SBATCH --output=${path.join(out, "logs", "shard-%a.log")}`,
    ...common,
    "# one shard of the class per array task; a task run again resumes its shard (grades only what is missing)",
    "set -euo pipefail",
    `mkdir -p ${shq(shardsDir)}`,
    `${autogradeLine({ ...job, workers: job.workers ?? cpus }, tlab, "$SLURM_ARRAY_TASK_ID", `${shq(shardsDir)}/grades-"$SLURM_ARRAY_TASK_ID".sqlite`)} --json > ${shq(path.join(out, "logs"))}/shard-"$SLURM_ARRAY_TASK_ID".json`,
    "",
  ].join("\n");
  const merge = [
    "#!/bin/bash",
    "#SBATCH --job-name=tlab-merge",
    "#SBATCH --cpus-per-task=1",
    `#SBATCH --output=${path.join(out, "logs", "merge.log")}`,
    ...common,
    "# the shard gradebooks into one; exit 1 = conflicts found (every version is kept): the exports are still written",
    "set -uo pipefail",
    `${tlab} grade merge --out ${shq(merged)} ${shardFiles(shardsDir, job.shards).map(shq).join(" ")}`,
    "status=$?",
    "[ $status -le 1 ] || exit $status",
    `${tlab} grade export --gradebook ${shq(merged)} --csv ${shq(path.join(out, "grades.csv"))} --gradescope ${shq(path.join(out, "gradescope"))} || exit $?`,
    "exit $status",
    "",
  ].join("\n");
  const submit = [
    "#!/bin/bash",
    "# the shards as a job array, then the merge once every shard succeeded",
    "set -euo pipefail",
    `mkdir -p ${shq(path.join(out, "logs"))}`,
    `array=$(sbatch --parsable ${shq(path.join(out, "grade.sbatch"))})`,
    `merge=$(sbatch --parsable --dependency=afterok:"\${array%%;*}" ${shq(path.join(out, "merge.sbatch"))})`,
    'echo "shards: job array ${array%%;*}; merge: job ${merge%%;*} (after every shard succeeded)"',
    "",
  ].join("\n");
  const readme = `# Grading on Slurm: ${job.shards} shard(s)

Written by \`tlab grade slurm\`. The class is split by a stable hash of the student id: task K of the job
array grades shard K/${job.shards} into \`shards/grades-K.sqlite\`; the merge job joins them into
\`grades.sqlite\` and exports \`grades.csv\` and \`gradescope/\`. The nodes must see these paths:
the project (\`${projectLine(tlab)}\`), the sources, \`${path.resolve(job.submissions)}\` and \`${out}\`.

\`\`\`
mkdir -p ${shq(path.join(out, "logs"))}
sbatch --parsable ${shq(path.join(out, "grade.sbatch"))}                           # 1. the shards: prints JOBID
sbatch --dependency=afterok:JOBID ${shq(path.join(out, "merge.sbatch"))}           # 2. merge + CSV + Gradescope JSON
${tlab} grade feedback --gradebook ${shq(merged)} --out ${shq(path.join(out, "feedback"))}   # 3. feedback pages
\`\`\`

\`bash ${shq(path.join(out, "submit.sh"))}\` does 1 and 2. Logs: \`logs/shard-K.log\` (and \`logs/shard-K.json\`,
the shard's \`--json\` report), \`logs/merge.log\`.

- A shard that failed or was stopped: \`sbatch --array=K ${shq(path.join(out, "grade.sbatch"))}\` grades only what
  is missing in its gradebook; then step 2 again (merging again changes nothing already merged).
- The merge exits 1 when a student was graded differently in two gradebooks: every version is kept in the
  \`merge_conflicts\` table of \`grades.sqlite\`, and the merge log lists them.
- A node where the submissions folder is missing or empty fails its task with a message naming the
  folder; nothing already graded is lost.
`;
  return writeBundle(out, { "grade.sbatch": grade, "merge.sbatch": merge, "submit.sh": submit, "README.md": readme });
}

const projectLine = (tlab: string) => tlab.split(" ").slice(-1)[0];
