import { ReportError } from "../errors.ts";
import { closestMatch } from "../suggest.ts";
import type { BlockOptions, OptionValue } from "../types.ts";

export const DEFAULT_TIMEOUT_SECONDS = 600;

/** Longest block timeout (one day); larger values would overflow the timer and fire at once. */
export const MAX_TIMEOUT_SECONDS = 86_400;

export const DEFAULT_OPTIONS: Readonly<BlockOptions> = {
  echo: true,
  eval: true,
  output: true,
  include: true,
  fold: false,
  error: false,
  timeout: DEFAULT_TIMEOUT_SECONDS,
};

type OptionReader = (text: string) => OptionValue | string[];

const BOOLEAN: OptionReader = (text) =>
  text === "true" ? true : text === "false" ? false : [`expected true or false, got "${text}"`];

const SECONDS: OptionReader = (text) => {
  const value = Number(text);
  return text !== "" && Number.isFinite(value) && value > 0 && value <= MAX_TIMEOUT_SECONDS
    ? value
    : [`expected a positive number of seconds, at most ${MAX_TIMEOUT_SECONDS} (one day), got "${text}"`];
};

const LABEL: OptionReader = (text) =>
  /^(fig|tbl)-[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(text)
    ? text
    : [`expected fig-NAME or tbl-NAME (letters, digits, _ and -), got "${text}"`];

const CAPTION: OptionReader = (text) => text.length > 0 ? text : ["caption must not be empty"];

const READERS: Record<keyof BlockOptions, OptionReader> = {
  echo: BOOLEAN,
  eval: BOOLEAN,
  output: BOOLEAN,
  include: BOOLEAN,
  fold: BOOLEAN,
  error: BOOLEAN,
  timeout: SECONDS,
  label: LABEL,
  caption: CAPTION,
};

export const OPTION_NAMES: readonly string[] = Object.keys(READERS);

const OPTION_LINE = /^\s*\/\/\|(.*)$/;

export interface ParsedOptions {
  options: BlockOptions;
  explicit: Record<string, OptionValue>;
  /** The code after the option lines. */
  body: string;
  /** How many lines the option lines occupy. */
  optionLines: number;
}

/** Reads the `//| key: value` lines at the top of a block; `firstLine` is the file line of the code's first line. */
export function parseBlockOptions(code: string, file: string, firstLine: number): ParsedOptions {
  const lines = code.split("\n");
  const explicit: Record<string, OptionValue> = {};
  let count = 0;
  for (; count < lines.length; count++) {
    const match = OPTION_LINE.exec(lines[count]);
    if (!match) break;
    const line = firstLine + count;
    const entry = /^\s*([A-Za-z_][\w-]*)\s*:(.*)$/.exec(match[1]);
    const afterMarker = lines[count].indexOf("//|") + 3;
    const keyOffset = entry ? lines[count].indexOf(entry[1], afterMarker) : afterMarker;
    const at = { file, line, column: keyOffset + 1 };
    if (!entry) throw new ReportError(`block option must be written "//| key: value"`, at);
    const [, key, rawValue] = entry;
    const reader = READERS[key as keyof BlockOptions];
    if (!reader) {
      const guess = closestMatch(key, OPTION_NAMES);
      const hint = guess ? `did you mean "${guess}"?` : `known: ${OPTION_NAMES.join(", ")}`;
      throw new ReportError(`unknown block option "${key}" (${hint})`, at);
    }
    if (key in explicit) throw new ReportError(`block option "${key}" is given twice`, at);
    const value = reader(unquote(rawValue.trim()));
    if (Array.isArray(value)) throw new ReportError(`block option "${key}": ${value[0]}`, at);
    explicit[key] = value;
  }
  const options = { ...DEFAULT_OPTIONS, ...explicit } as BlockOptions;
  return { options, explicit, body: lines.slice(count).join("\n"), optionLines: count };
}

function unquote(text: string): string {
  const quoted = /^"(.*)"$/.exec(text) ?? /^'(.*)'$/.exec(text);
  return quoted ? quoted[1] : text;
}
