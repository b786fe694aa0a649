import assert from "node:assert/strict";
import { encodeMessage, MessageDecoder } from "../../report/runtime/protocol.ts";
import { defaultJobs, parseCommandLine } from "../../report/cli.ts";
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
