/** Global object the chapter runtime installs; generated modules reach the shared scope through it. */
export const RUNTIME_GLOBAL = "__literate";
