/**
 * A builder program without the builder's state, for the grader's compile service. tslab's converter runs
 * TypeScript's watch program, whose default builder (EmitAndSemanticDiagnostics) rebuilds its file-reference
 * maps over every file of the program (~945 with transferlab's and TF.js's declarations) for each new
 * program: twice per cell. It caches diagnostics of unchanged files between cells, which only helps a kernel
 * whose cells import local modules; the service compiles no such cell (compilecache.ts readsFiles), and
 * measured per compiled cell the map building cost more than it saved (docs/grading.md).
 *
 * TypeScript's abstract builder delegates to the program and leaves `getAllDependencies` unimplemented; the
 * converter needs it (the cell and the local modules it imports), so it is given here, as the builder
 * computes it: every file for a cell that is not a module, else the files its imports reach.
 */
import * as path from "path";
import type * as TS from "@tslab/typescript-for-tslab";

type Builder = TS.EmitAndSemanticDiagnosticsBuilderProgram;

/** `host.createProgram` for a watch compiler host: abstract builders with getAllDependencies. */
export function plainBuilderFactory(ts: typeof TS): TS.CreateProgram<Builder> {
  return (rootNames, options, host, oldProgram, configDiagnostics, references) => {
    const builder = ts.createAbstractBuilder(rootNames, options, host, oldProgram, configDiagnostics, references) as unknown as Builder;
    (builder as { getAllDependencies: Builder["getAllDependencies"] }).getAllDependencies = (file) => allDependencies(ts, builder.getProgram(), file);
    // the checker binds every file, as the builder's state does when it is made: the converter reads the
    // cell's `locals` (its top-level names, to export them) before it asks for anything else
    builder.getProgram().getTypeChecker();
    return builder;
  };
}

/** The files `file` depends on, itself first (as BuilderState.getAllDependencies). */
export function allDependencies(ts: typeof TS, program: TS.Program, file: TS.SourceFile): readonly string[] {
  if (!ts.isExternalModule(file)) return program.getSourceFiles().map((f) => f.fileName);
  const checker = program.getTypeChecker();
  const seen = new Map<string, TS.SourceFile>([[file.fileName, file]]);
  const queue = [file];
  while (queue.length) {
    const f = queue.shift()!;
    // a package's declarations reach only other declarations: the converter keeps none of them
    if (f.fileName.includes("/node_modules/")) continue;
    const reached: (TS.SourceFile | undefined)[] = [];
    for (const literal of (f as unknown as { imports?: readonly TS.StringLiteralLike[] }).imports ?? []) {
      reached.push(checker.getSymbolAtLocation(literal)?.declarations?.find(ts.isSourceFile));
    }
    for (const ref of f.referencedFiles) reached.push(program.getSourceFile(path.posix.resolve(path.posix.dirname(f.fileName), ref.fileName)));
    for (const r of reached) {
      if (r && !seen.has(r.fileName)) {
        seen.set(r.fileName, r);
        queue.push(r);
      }
    }
  }
  return [...seen.keys()];
}
