import type { ChildProcess, Effects } from "../effects.ts";

/** Effects whose child processes are all killed when `signal` aborts (and refused afterwards). */
export function abortableEffects(effects: Effects, signal: AbortSignal): Effects {
  const children = new Set<ChildProcess>();
  signal.addEventListener("abort", () => {
    for (const child of children) child.kill();
  }, { once: true });
  return {
    ...effects,
    spawn(command, args, cwd, options) {
      const child = effects.spawn(command, args, cwd, options);
      children.add(child);
      child.status.finally(() => children.delete(child));
      if (signal.aborted) child.kill();
      return child;
    },
  };
}
