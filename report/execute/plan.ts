import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { blockModule, inlineModule } from "../scope/block_module.ts";
import type { ChapterPlan, ModuleIdentities } from "../runtime/protocol.ts";
import type { Chapter } from "../types.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import { importsOnly } from "../scope/imports_only.ts";
import { sourceColumn } from "../claims.ts";
import { isProjectDependency, undeclaredImportMessage } from "../scope/dependencies.ts";

export interface PlannedFile {
  path: string;
  text: string;
}

export interface PlanInput {
  chapter: Chapter;
  root: string;
  /** Directory that receives the generated modules (inside the project's `.cache/`). */
  runDir: string;
  nonce: string;
  params: Record<string, string>;
  stopOnError: boolean;
  /** Blocks before this index run only to rebuild the scope; their outputs are dropped. */
  startAt: number;
  /** Blocks not to run at all (e.g. one that timed out in an earlier attempt). */
  skip: ReadonlySet<number>;
  /** The stored scope after block `startAt - 1`: it is restored instead of running the blocks before
   * `startAt`, of which only the import declarations run. */
  restore?: ScopeSnapshot;
  /** Keys of the project's import map (`deno.json` "imports"): the only bare specifiers a block may import. */
  dependencies: readonly string[];
  /** The process's audit log and what counts as an input in it. */
  audit?: ChapterPlan["audit"];
  /** Identity of the local modules the chapter imports (for stored computations). */
  modules?: ModuleIdentities;
  /** Keep the plan file after the runtime read it (`REPORT_KEEP_RUN=1`). */
  keepFiles?: boolean;
}

/** The generated modules of a chapter and the plan the chapter process follows. */
export function planChapter(input: PlanInput): { plan: ChapterPlan; files: PlannedFile[] } {
  const { chapter, root, runDir } = input;
  const absoluteFile = join(root, chapter.path);
  const files: PlannedFile[] = [];
  const names: string[] = input.restore ? Object.keys(input.restore.values) : [];
  const blocks: ChapterPlan["blocks"] = chapter.blocks.map((block) => {
    const path = join(runDir, `block-${String(block.index + 1).padStart(3, "0")}.ts`);
    const importsOnlyRun = input.restore !== undefined && block.index < input.startAt;
    const generated = blockModule({
      code: importsOnlyRun ? importsOnly(block.code) : block.code,
      file: chapter.path,
      absoluteFile,
      codeLine: block.codeLine,
      earlierNames: names,
      moduleUrl: pathToFileURL(path).href,
      isDependency: (specifier) => isProjectDependency(input.dependencies, specifier),
    });
    const undeclared = generated.undeclared?.[0];
    const run = block.options.eval && !input.skip.has(block.index);
    if (run) { for (const name of generated.declared) if (!names.includes(name)) names.push(name); }
    files.push({ path, text: generated.source });
    return {
      index: block.index,
      run,
      keepOutputs: block.index >= input.startAt,
      expectError: block.options.error && !importsOnlyRun,
      mapping: generated.mapping,
      ...(undeclared
        ? {
          rejected: {
            name: "ImportError",
            message: undeclaredImportMessage(undeclared.specifier),
            stack: "",
            location: { file: chapter.path, line: undeclared.line, column: undeclared.column },
          },
        }
        : {}),
    };
  });
  const inlines: ChapterPlan["inlines"] = chapter.inlines.map((inline) => {
    const path = join(runDir, `inline-${String(inline.index + 1).padStart(3, "0")}.ts`);
    const generated = inlineModule({
      source: inline.source,
      file: chapter.path,
      line: inline.location.line,
      column: sourceColumn(inline),
      names,
      moduleUrl: pathToFileURL(path).href,
    });
    files.push({ path, text: generated.source });
    return { index: inline.index, mapping: generated.mapping };
  });
  const plan: ChapterPlan = {
    chapter: chapter.path,
    root,
    nonce: input.nonce,
    params: input.params,
    stopOnError: input.stopOnError,
    tethered: true,
    ...(input.keepFiles ? { keepFiles: true } : {}),
    dependencies: [...input.dependencies],
    ...(input.audit ? { audit: input.audit } : {}),
    ...(input.modules ? { modules: input.modules } : {}),
    ...(input.restore ? { restore: input.restore } : {}),
    blocks,
    inlines,
  };
  files.push({ path: join(runDir, "plan.json"), text: JSON.stringify(plan, null, 2) });
  return { plan, files };
}
