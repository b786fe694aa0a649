import assert from "node:assert/strict";
import { join } from "node:path";
import { formatLocation } from "../../report/errors.ts";
import { buildFixture, ROOT } from "./helpers.ts";

Deno.test("build: a throwing block fails the build at its exact chapter line, keeping the last good report", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "report-test-" });
  const lastGood = join(outDir, "report.html");
  await Deno.writeTextFile(lastGood, "last good report");
  const outcome = await buildFixture("failing", { outDir });
  assert.equal(outcome.ok, false);
  assert.equal(outcome.outputPath, undefined);
  assert.equal(outcome.problems.length, 1);
  const [problem] = outcome.problems;
  assert.equal(formatLocation(problem.location!), "tests/fixtures/failing/01-broken.md:15:32");
  assert.match(problem.message, /^RangeError: too many values: 3/);
  assert.match(problem.detail ?? "", /at average \(tests\/fixtures\/failing\/01-broken\.md:15:32\)/);
  assert.equal(await Deno.readTextFile(lastGood), "last good report");
  const blocks = outcome.executed[0].result.blocks;
  assert.deepEqual(blocks.map((block) => block.status), ["ok", "error", "not-run"]);
});

Deno.test("build: --keep-going renders the error box in place and runs the rest", async () => {
  const outcome = await buildFixture("failing", { keepGoing: true });
  assert.equal(outcome.ok, false);
  assert.ok(outcome.outputPath?.endsWith("report.failed.html"));
  const html = await Deno.readTextFile(outcome.outputPath!);
  assert.ok(html.includes('<div class="error-box"'));
  assert.ok(html.includes("tests/fixtures/failing/01-broken.md:15:32"));
  assert.ok(html.includes("A value computed later: 3."));
  assert.ok(html.includes('<pre class="output scalar">6</pre>'));
});

Deno.test("build: a syntax error points into the Markdown file", async () => {
  const outcome = await buildFixture("syntax");
  assert.equal(outcome.ok, false);
  assert.equal(formatLocation(outcome.problems[0].location!), "tests/fixtures/syntax/01-syntax.md:8:22");
  assert.match(outcome.problems[0].message, /^SyntaxError/);
});

Deno.test("build: a block over its timeout is stopped and reported at its fence", async () => {
  const outcome = await buildFixture("timeout", { keepGoing: true });
  assert.equal(outcome.ok, false);
  assert.equal(formatLocation(outcome.problems[0].location!), "tests/fixtures/timeout/01-slow.md:3:1");
  assert.match(outcome.problems[0].message, /TimeoutError/);
  const blocks = outcome.executed[0].result.blocks;
  assert.deepEqual(blocks.map((block) => block.status), ["timeout", "ok"]);
});

Deno.test("build: a block that keeps reporting progress outlives its timeout", async () => {
  const outcome = await buildFixture("progress-timeout");
  assert.deepEqual(outcome.problems, []);
  const [block] = outcome.executed[0].result.blocks;
  assert.equal(block.status, "ok");
  assert.ok(block.seconds > 1, `ran ${block.seconds} s, more than its 1 s timeout`);
});

Deno.test("build: chapters cannot reach the network", async () => {
  const outcome = await buildFixture("network");
  assert.equal(outcome.ok, false);
  assert.match(
    outcome.problems[0].message,
    /NotCapable: a chapter has no network access \(tried example.com(:443)?\)/,
  );
  assert.equal(formatLocation(outcome.problems[0].location!), "tests/fixtures/network/01-fetch.md:4:7");
});

Deno.test("build: --param values reach chapters and a subset writes partial.html", async () => {
  const outcome = await buildFixture("golden", { select: ["02"], params: { profile: "quick", extra: "1" } });
  assert.ok(outcome.ok);
  assert.ok(outcome.outputPath?.endsWith("partial.html"));
  assert.equal(outcome.executed.length, 1);
  assert.ok(outcome.html?.includes("Figure 1"), "numbering counts chapters outside the subset");
});

Deno.test("cli: exit code 1 for a failing build, 0 for --help", async () => {
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "main.ts"), ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  const outDir = await Deno.makeTempDir({ prefix: "report-test-" });
  const failed = await run(["build", "--chapters", "tests/fixtures/failing", "--out", outDir]);
  assert.equal(failed.code, 1);
  const stderr = new TextDecoder().decode(failed.stderr);
  assert.ok(
    stderr.includes("error: tests/fixtures/failing/01-broken.md:15:32: RangeError: too many values: 3"),
  );
  assert.ok(
    !new TextDecoder().decode(failed.stdout).includes("\x1b["),
    "non-interactive output has no escape codes",
  );
  assert.equal((await run(["--help"])).code, 0);
});

Deno.test("build: an import that cannot be resolved is reported at its line in the block", async () => {
  const outcome = await buildFixture("missing-import");
  assert.equal(outcome.ok, false);
  assert.equal(
    formatLocation(outcome.problems[0].location!),
    "tests/fixtures/missing-import/01-missing.md:6:1",
  );
  assert.match(
    outcome.problems[0].message,
    /Module not found "tests\/fixtures\/missing-import\/missing_module\.ts"/,
  );
});

Deno.test("build: --typecheck stops on a type error at its chapter line; without it the chapter runs", async () => {
  const checked = await buildFixture("typecheck", { typecheck: true });
  assert.equal(checked.ok, false);
  assert.equal(checked.executed.length, 0, "nothing runs after a type error");
  assert.equal(formatLocation(checked.problems[0].location!), "tests/fixtures/typecheck/01-types.md:10:7");
  const unchecked = await buildFixture("typecheck");
  assert.equal(unchecked.ok, true);
});
