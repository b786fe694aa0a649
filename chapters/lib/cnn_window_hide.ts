/** First of a pair around the tfjs-layers import: tfjs picks its global namespace once, when loaded, and
 * must pick the same one as tfjs-core (loaded before any `window` exists), so `window` is set aside here. */
const root = globalThis as Record<symbol | string, unknown>;
const SAVED = Symbol.for("cnn.savedWindow");
if (!(SAVED in root) && "window" in root) {
  root[SAVED] = root.window;
  delete root.window;
}
