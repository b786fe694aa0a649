import { parse as parseYaml } from "yaml";
import { ReportError } from "../errors.ts";
import { closestMatch } from "../suggest.ts";
import { frontMatterBlock } from "./front_matter_block.ts";

export interface FrontMatter {
  title?: string;
  description?: string;
  params: Record<string, string>;
  /** Environment variables the chapter's code may read (every other variable is absent and unreadable). */
  env: string[];
}

export interface SplitSource {
  frontMatter: FrontMatter;
  /** The Markdown after the front matter. */
  body: string;
  /** Number of lines the front matter occupies, so body line n is file line n + lineOffset. */
  lineOffset: number;
}

const KNOWN_KEYS = new Set(["title", "description", "params", "env"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits optional YAML front matter (between `---` lines at the very top) off a Markdown source. */
export function splitFrontMatter(source: string, file: string): SplitSource {
  const { yamlText, body, lineOffset } = frontMatterBlock(source, file);
  return {
    frontMatter: yamlText === null ? NO_FRONT_MATTER : readFrontMatter(yamlText, file),
    body,
    lineOffset,
  };
}

export const NO_FRONT_MATTER: FrontMatter = Object.freeze({ params: {}, env: [] }) as FrontMatter;

/** The front matter written as `yamlText` in `file`: checked, with every error at its line. */
export function readFrontMatter(yamlText: string, file: string): FrontMatter {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    const line = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const message = (error as Error).message.split("\n")[0];
    throw new ReportError(`front matter: ${message}`, {
      file,
      line: (line?.line ?? 0) + 1,
      column: line?.col ?? 1,
    });
  }
  if (data === null || data === undefined) return { params: {}, env: [] };
  const at = (key: string) => ({ file, line: lineOfKey(yamlText, key) + 1, column: 1 });
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ReportError("front matter must be a YAML mapping", { file, line: 2, column: 1 });
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key)) {
      const guess = closestMatch(key, KNOWN_KEYS);
      const hint = guess ? `did you mean "${guess}"?` : `expected one of: ${[...KNOWN_KEYS].join(", ")}`;
      throw new ReportError(`front matter: unknown key "${key}" (${hint})`, at(key));
    }
  }
  for (const key of ["title", "description"]) {
    if (record[key] !== undefined && typeof record[key] !== "string") {
      throw new ReportError(`front matter: "${key}" must be a string`, at(key));
    }
  }
  return {
    title: record.title as string | undefined,
    description: record.description as string | undefined,
    params: readParams(record.params, () => at("params")),
    env: readEnv(record.env, () => at("env")),
  };
}

function readEnv(value: unknown, at: () => { file: string; line: number; column: number }): string[] {
  if (value === undefined || value === null) return [];
  const names = typeof value === "string" ? [value] : value;
  if (!Array.isArray(names) || names.some((name) => typeof name !== "string" || !ENV_NAME.test(name))) {
    throw new ReportError(
      'front matter: "env" must be a list of variable names, e.g. env: [DATA_URL, SEED]',
      at(),
    );
  }
  return [...new Set(names as string[])].sort();
}

function readParams(value: unknown, at: () => { file: string; line: number; column: number }) {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ReportError('front matter: "params" must be a mapping of names to values', at());
  }
  const params: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw !== null && typeof raw === "object") {
      throw new ReportError(`front matter: param "${name}" must be a string, number or boolean`, at());
    }
    params[name] = String(raw ?? "");
  }
  return params;
}

/** Index (0-based, within the YAML text) of the line where a top-level key is written. */
function lineOfKey(yamlText: string, key: string): number {
  const index = yamlText.split("\n").findIndex((line) => line.startsWith(`${key}:`));
  return Math.max(0, index) + 1;
}
