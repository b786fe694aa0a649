/** Second of the pair: puts `window` back once tfjs-layers has loaded. */
const root = globalThis as Record<symbol | string, unknown>;
const SAVED = Symbol.for("cnn.savedWindow");
if (SAVED in root) {
  root.window = root[SAVED];
  delete root[SAVED];
}
