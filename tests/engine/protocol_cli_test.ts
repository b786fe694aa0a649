import assert from "node:assert/strict";
import { encodeMessage, MessageDecoder } from "../../report/runtime/protocol.ts";
import { defaultJobs, parseCommandLine, USAGE } from "../../report/cli.ts";
import { selectChapters } from "../../report/chapters.ts";

Deno.test("protocol: messages survive chunking and stray prints around them", () => {
  const encoded = "stray text" + encodeMessage("n0nce", { type: "block-start", index: 2 }) + "more\n" +
    encodeMessage("n0nce", { type: "done" });
  const decoder = new MessageDecoder("n0nce");
  const pieces = [];
  for (let i = 0; i < encoded.length; i += 7) pieces.push(...decoder.push(encoded.slice(i, i + 7)));
  pieces.push(...decoder.flush());
  assert.deepEqual(pieces, [
    { kind: "text", text: "stray text" },
    { kind: "message", message: { type: "block-start", index: 2 } },
    { kind: "text", text: "more" },
    { kind: "message", message: { type: "done" } },
  ]);
});

Deno.test("protocol: a line forged without the nonce stays text", () => {
  const decoder = new MessageDecoder("secret");
  const pieces = decoder.push(encodeMessage("guess", { type: "done" }));
  assert.ok(pieces.every((piece) => piece.kind === "text"));
});

Deno.test("cli: build with chapters, flags and repeated params", () => {
  assert.deepEqual(
    parseCommandLine(["build", "10", "--keep-going", "--param", "profile=quick", "--param=a=b=c", "--fresh"]),
    {
      command: "build",
      chapters: ["10"],
      keepGoing: true,
      fresh: true,
      explain: false,
      params: { profile: "quick", a: "b=c" },
      pdf: "auto",
      reproducible: false,
      typecheck: false,
      pageSize: "A4",
      port: 8000,
      host: "127.0.0.1",
    },
  );
  assert.equal(parseCommandLine(["--help"]).command, "help");
  assert.equal(parseCommandLine(["build", "--param", "novalue"]).command, "invalid");
  assert.equal(parseCommandLine(["build", "--nope"]).command, "invalid");
  assert.equal(parseCommandLine(["serve"]).command, "invalid");
  const withJobs = parseCommandLine(["build", "--jobs", "3"]);
  assert.equal(withJobs.command === "build" && withJobs.jobs, 3);
  assert.equal(parseCommandLine(["build", "--jobs", "0"]).command, "invalid");
  assert.equal(parseCommandLine(["build", "--jobs", "two"]).command, "invalid");
  assert.equal(defaultJobs(1), 1);
  assert.equal(defaultJobs(16), 2);
});

Deno.test("cli: --explain is a flag of build and dev, off by default, and in the help", () => {
  const explained = parseCommandLine(["build", "--explain", "10"]);
  assert.ok(explained.command === "build" && explained.explain);
  assert.deepEqual(explained.command === "build" && explained.chapters, ["10"]);
  const dev = parseCommandLine(["dev", "--explain"]);
  assert.ok(dev.command === "dev" && dev.explain);
  const plain = parseCommandLine(["build"]);
  assert.ok(plain.command === "build" && plain.explain === false);
  assert.deepEqual(parseCommandLine(["build", "--explain=yes"]), {
    command: "invalid",
    message: "--explain takes no value",
  });
  assert.match(USAGE, /^ {2}--explain +say why each block and stored computation ran$/m);
});

Deno.test("cli: an unknown option, a missing value or a bad value is one line naming it", () => {
  const invalid = (args: string[]) => {
    const parsed = parseCommandLine(args);
    assert.equal(parsed.command, "invalid", JSON.stringify(args));
    return parsed.command === "invalid" ? parsed.message : "";
  };
  assert.equal(invalid(["build", "--nope"]), 'unknown option "--nope"');
  assert.equal(invalid(["build", "--nope=3"]), 'unknown option "--nope=3"');
  assert.equal(invalid(["dev", "-x"]), 'unknown option "-x"');
  assert.equal(invalid(["build", "--param"]), '--param needs key=value, got ""');
  assert.equal(invalid(["build", "--out"]), "--out needs a directory");
  assert.equal(invalid(["build", "--chapters", "--fresh"]), "--chapters needs a directory");
  assert.equal(invalid(["dev", "--host"]), "--host needs an address");
  assert.equal(invalid(["dev", "--port", "70000"]), "--port needs a number from 0 to 65535");
  assert.equal(invalid(["build", "--jobs"]), "--jobs needs a whole number ≥ 1");
  assert.equal(invalid([]), "missing command (build)");
  assert.equal(invalid(["serve"]), 'unknown command "serve"');
  for (const args of [["build", "--nope"], ["build", "--jobs", "x"], ["build", "--param", "novalue"]]) {
    assert.doesNotMatch(invalid(args), /\n/);
  }
});

Deno.test("cli: every option of the help, in both spellings of a value", () => {
  const parsed = parseCommandLine([
    "dev",
    "--reproducible",
    "--typecheck",
    "--letter",
    "--pdf",
    "--no-pdf",
    "--jobs=3",
    "--port",
    "0",
    "--host=0.0.0.0",
    "--chapters",
    "tests/fixtures/failing",
    "--out=/tmp/out",
    "--param",
    "seed=7",
    "--",
    "--literal",
  ]);
  assert.deepEqual(parsed, {
    command: "dev",
    chapters: ["--literal"],
    keepGoing: false,
    fresh: false,
    explain: false,
    params: { seed: "7" },
    pdf: "skip",
    reproducible: true,
    typecheck: true,
    pageSize: "Letter",
    port: 0,
    host: "0.0.0.0",
    jobs: 3,
    chaptersDir: "tests/fixtures/failing",
    outDir: "/tmp/out",
  });
  const last = parseCommandLine(["build", "--no-pdf", "--pdf"]);
  assert.equal(last.command === "build" && last.pdf, "required", "the last of --pdf and --no-pdf wins");
  assert.equal(parseCommandLine(["build", "--out", "dist", "-h"]).command, "help");
});

Deno.test("chapter selection: by file name, stem or number", () => {
  const files = ["00-introduction.md", "10-cnn.md", "11-filters.md", "20-lstm.md"];
  assert.deepEqual(selectChapters(files, []).selected, files);
  assert.deepEqual(selectChapters(files, ["11", "00-introduction.md", "chapters/20-lstm"]).selected, [
    "00-introduction.md",
    "11-filters.md",
    "20-lstm.md",
  ]);
  assert.deepEqual(selectChapters(files, ["0"]).selected, ["00-introduction.md"]);
  assert.deepEqual(selectChapters(files, ["99"]).unknown, ["99"]);
});
