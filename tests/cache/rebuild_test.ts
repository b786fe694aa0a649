import { RECORDS_DIR } from "../../report/cache/caching_executor.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildScratch, editFile, removeScratch, scratchProject } from "./e2e_project.ts";

function statsOf(build: Awaited<ReturnType<typeof buildScratch>>, chapter: string) {
  const stats = build.run.cache.stats.find((item) => item.chapter.endsWith(chapter));
  assert.ok(stats, `no cache stats for ${chapter}`);
  return stats;
}

function entryFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...entryFiles(path));
    else if (entry.name.endsWith(".entry")) found.push(path);
  }
  return found.sort();
}

Deno.test({
  name: "rebuilds run exactly what an edit affects",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const project = await scratchProject();
    const alpha = join(project.chapters, "01-alpha.md");
    try {
      const ALL = ["alpha:0", "alpha:1", "alpha:2", "alpha:3", "beta:0", "beta:1"];
      const ALPHA = ALL.slice(0, 4);

      await t.step("a cold build runs every block", async () => {
        const build = await buildScratch(project);
        assert.equal(build.run.outcome.ok, true, JSON.stringify(build.run.outcome.problems));
        assert.deepEqual(build.ran, ALL);
        assert.match(build.html, /The base is 21\./);
        assert.match(build.html, /the value is 42\./);
        assert.equal((build.html.match(/class="block-badge executed"/g) ?? []).length, 6);
      });

      await t.step("an unchanged rebuild starts no chapter process", async () => {
        const build = await buildScratch(project);
        assert.deepEqual(build.ran, []);
        assert.deepEqual(build.run.cache.stats.map((stats) => stats.ran), [false, false]);
        assert.equal((build.html.match(/class="block-badge cached"/g) ?? []).length, 6);
      });

      await t.step("a prose edit, even with new inline expressions on plain data, runs nothing", async () => {
        await editFile(alpha, (text) =>
          text.replace(
            "Alpha opens with prose.",
            "Alpha opens with new prose: triple ${value * 3}, last loss ${history.at(-1)!.loss} (${params.profile}).",
          ));
        const build = await buildScratch(project);
        assert.deepEqual(build.ran, []);
        assert.match(build.html, /Alpha opens with new prose: triple 126, last loss 0\.25 \(quick\)\./);
        assert.equal(statsOf(build, "01-alpha.md").inlinesFromScope, 3);
        assert.equal(statsOf(build, "01-alpha.md").ran, false);
      });

      await t.step(
        "an inline expression calling an imported function re-imports, restoring the scope",
        async () => {
          await editFile(
            alpha,
            (text) => text.replace("The base is ${base}.", "The base is ${base}, doubled ${double(base)}."),
          );
          const build = await buildScratch(project);
          assert.deepEqual(build.ran, []);
          assert.match(build.html, /The base is 21, doubled 42\./);
          const stats = statsOf(build, "01-alpha.md");
          assert.deepEqual([stats.ran, stats.executed, stats.replayed, stats.restored, stats.cached], [
            true,
            0,
            0,
            4,
            4,
          ]);
          assert.equal(statsOf(build, "02-beta.md").ran, false);
        },
      );

      await t.step(
        "an inline expression calling a function defined in a block replays the chapter",
        async () => {
          await editFile(
            alpha,
            (text) => text.replace("doubled ${double(base)}.", "tripled ${triple(base)}."),
          );
          const build = await buildScratch(project);
          assert.deepEqual(build.ran, ALPHA);
          assert.match(build.html, /The base is 21, tripled 63\./);
          const stats = statsOf(build, "01-alpha.md");
          assert.deepEqual([stats.executed, stats.replayed, stats.restored, stats.cached], [0, 4, 0, 4]);
        },
      );

      await t.step(
        "editing block k runs block k onward; plain data and imports before it are restored",
        async () => {
          await editFile(
            alpha,
            (text) => text.replace("const value = double(base);", "const value = double(base) + 1;"),
          );
          const build = await buildScratch(project);
          assert.deepEqual(build.ran, ["alpha:1", "alpha:2", "alpha:3"]);
          const stats = statsOf(build, "01-alpha.md");
          assert.deepEqual([stats.restored, stats.replayed, stats.executed, stats.cached], [1, 0, 3, 1]);
          assert.match(build.html, /the value is 43\./);
          assert.match(build.html, /<svg[^>]*width="86"/);
          assert.equal(statsOf(build, "02-beta.md").ran, false);
        },
      );

      await t.step(
        "editing a block that reads a function from an earlier block replays the blocks before it",
        async () => {
          await editFile(alpha, (text) => text.replace("triple(value);", "triple(value) + 1;"));
          const build = await buildScratch(project);
          assert.deepEqual(build.ran, ALPHA);
          const stats = statsOf(build, "01-alpha.md");
          assert.deepEqual([stats.replayed, stats.executed, stats.cached], [3, 1, 3]);
          assert.match(build.html, /130/);
        },
      );

      await t.step("editing a caption re-renders without running anything", async () => {
        await editFile(alpha, (text) => text.replace("A square drawn", "A teal square drawn"));
        const build = await buildScratch(project);
        assert.deepEqual(build.ran, []);
        assert.match(build.html, /A teal square drawn from the alpha scope/);
      });

      await t.step("editing an imported module re-runs exactly the chapters that import it", async () => {
        await editFile(join(project.chapters, "lib/other.ts"), (text) => text.replace("scatter", "dots"));
        const beta = await buildScratch(project);
        assert.deepEqual(beta.ran, ["beta:0", "beta:1"]);
        assert.match(beta.html, />dots</);
        await editFile(
          join(project.chapters, "lib/helper.ts"),
          (text) => text.replace("value * 2", "2 * value"),
        );
        const alphaBuild = await buildScratch(project);
        assert.deepEqual(alphaBuild.ran, ALPHA);
        assert.deepEqual(statsOf(alphaBuild, "01-alpha.md").modules, [
          join(project.chapters, "lib/helper.ts").slice(join(project.dir, "..", "..").length + 1),
        ]);
      });

      await t.step("a damaged cache entry is reported in one line and recomputed, never used", async () => {
        await Deno.remove(join(project.cacheDir, "blocks"), { recursive: true });
        await Deno.remove(join(project.cacheDir, RECORDS_DIR), { recursive: true });
        const clean = await buildScratch(project);
        assert.equal(clean.ran.length, 6);
        const entries = entryFiles(join(project.cacheDir, "blocks"));
        assert.ok(entries.length >= 5);
        const victim = entries.find((entry) => Deno.readTextFileSync(entry).includes("teal"))!;
        const text = await Deno.readTextFile(victim);
        await Deno.writeTextFile(victim, text.slice(0, Math.floor(text.length / 2)));
        // Without the chapters' records, the build reads each block's entry.
        await Deno.remove(join(project.cacheDir, RECORDS_DIR), { recursive: true });
        const build = await buildScratch(project);
        assert.equal(build.run.outcome.ok, true);
        assert.equal(build.run.cache.problems.length, 1);
        assert.match(
          build.run.cache.problems[0],
          /^cache: discarded entry [0-9a-f]{12} \(.*truncated.*\); recomputing$/,
        );
        assert.ok(build.ran.includes("alpha:2"));
        assert.equal(
          build.html.replace(/<div class="block-badge[^]*?<\/div>|<section class="build-summary"[^]*$/g, ""),
          clean.html.replace(/<div class="block-badge[^]*?<\/div>|<section class="build-summary"[^]*$/g, ""),
        );
      });

      await t.step("--fresh runs everything and --reproducible rebuilds are byte-identical", async () => {
        const fresh = await buildScratch(project, { fresh: true });
        assert.deepEqual(fresh.ran, ALL);
        const first = await buildScratch(project, { reproducible: true, fresh: true });
        const second = await buildScratch(project, { reproducible: true });
        assert.deepEqual(second.ran, []);
        assert.equal(first.html, second.html);
        assert.doesNotMatch(first.html, /block-badge (cached|executed)/);
        assert.match(first.html, /How this report was built/);
      });
    } finally {
      await removeScratch(project);
    }
  },
});

Deno.test({
  name: "two builds at once share the cache without damaging it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = await scratchProject();
    try {
      const [first, second] = await Promise.all([
        buildScratch(project),
        buildScratch(project, { fresh: true }),
      ]);
      assert.equal(first.run.outcome.ok, true);
      assert.equal(second.run.outcome.ok, true);
      const third = await buildScratch(project);
      assert.deepEqual(third.ran, []);
      assert.deepEqual(third.run.cache.problems, []);
      assert.deepEqual(
        [...Deno.readDirSync(project.outDir)].map((entry) => entry.name).sort(),
        ["manifest.json", "report.html"],
      );
    } finally {
      await removeScratch(project);
    }
  },
});
