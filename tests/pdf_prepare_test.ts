/** The printer starts while the HTML is built, but only when the PDF is going to change. */
import assert from "node:assert/strict";
import { PDFDocument } from "pdf-lib";
import type { Printer } from "../report/pdf/printer.ts";
import { runBuild } from "../report/run_build.ts";
import { denoEffects } from "../report/effects.ts";
import { silentReporter } from "../report/terminal.ts";
import { ROOT } from "./engine/helpers.ts";
import { command, scratch, write } from "./engine/scratch.ts";

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return await doc.save();
}

Deno.test("a chapter rendered anew starts the printer before the first print; a build that reuses every rendering does not", async () => {
  const project = await scratch({ "01-a.md": "# A\n\nSome prose.\n\n```ts\nconsole.log(1 + 1);\n```\n" });
  const calls: string[] = [];
  const printer: Printer = {
    name: "recording",
    prepare: () => void calls.push("prepare"),
    print: async () => {
      calls.push("print");
      return await onePagePdf();
    },
    close: () => Promise.resolve(),
  };
  const build = async () => {
    calls.length = 0;
    const run = await runBuild(command(project, { pdf: "auto" }), ROOT, denoEffects, silentReporter, {
      cacheDir: project.cacheDir,
      printer,
    });
    assert.equal(run.outcome.ok, true, JSON.stringify(run.outcome.problems));
    return run;
  };

  const first = await build();
  assert.equal(first.pdf?.status, "printed");
  assert.equal(calls[0], "prepare", `calls: ${calls}`);
  assert.ok(calls.includes("print"));

  await build();
  const again = await build();
  assert.equal(again.pdf?.status, "unchanged");
  assert.deepEqual(calls, [], "nothing rendered anew, nothing printed");

  await write(project, { "01-a.md": "# A\n\nOther prose.\n\n```ts\nconsole.log(1 + 1);\n```\n" });
  const edited = await build();
  assert.equal(edited.pdf?.status, "printed");
  assert.equal(calls[0], "prepare", `calls: ${calls}`);
});
