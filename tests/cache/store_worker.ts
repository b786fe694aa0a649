import { openCacheStore } from "../../report/cache/store.ts";
import { sha256Hex } from "../../report/cache/hash.ts";

const [dir, seed] = Deno.args;
const store = openCacheStore({
  dir,
  onProblem: (problem) => console.error(`problem: ${problem.reason}`),
});
for (let round = 0; round < 3; round++) {
  for (let index = 0; index < 40; index++) {
    const key = sha256Hex(`shared-${index}`);
    await store.put(key, { index, payload: `${"x".repeat(20_000)}`, seed });
    const read = await store.get(key) as { index: number } | undefined;
    if (read && read.index !== index) console.error(`wrong value for ${index}`);
  }
}
