const loadCompiler = () => import("typescript").then((module) => module.default);
let compiler: ReturnType<typeof loadCompiler> | undefined;

/** The JavaScript of a TypeScript expression (`x!.y`, `v as T`); loads the compiler only when called. */
export async function stripTypes(expression: string): Promise<string> {
  compiler ??= loadCompiler();
  const ts = await compiler;
  const output = ts.transpileModule(`(${expression}\n)`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
  }).outputText;
  return output.trim().replace(/;$/, "");
}
