import { stripAnsi } from "../format.ts";

/** One error reported by `deno check`. */
export interface CheckDiagnostic {
  code: string;
  message: string;
  url: string;
  line: number;
  column: number;
}

const HEADER = /^(TS\d+) \[ERROR\]: (.*)$/;
const AT = /^\s+at (file:\/\/\S+?):(\d+):(\d+)\s*$/;

/**
 * Reads `deno check` output: a `TSnnnn [ERROR]: message` line, more message lines, a code excerpt line with a
 * `~~~` marker line under it, then `at file:///…:line:col`.
 */
export function parseCheckOutput(output: string): CheckDiagnostic[] {
  const diagnostics: CheckDiagnostic[] = [];
  let pending: { code: string; message: string[] } | undefined;
  for (const line of stripAnsi(output).split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      pending = { code: header[1], message: [header[2]] };
      continue;
    }
    if (!pending) continue;
    const at = AT.exec(line);
    if (at) {
      const excerpt = /^\s*~+\s*$/.test(pending.message.at(-1) ?? "") ? 2 : 0;
      diagnostics.push({
        code: pending.code,
        message: pending.message.slice(0, pending.message.length - excerpt).map((text) => text.trim()).join(
          "\n",
        ),
        url: at[1],
        line: Number(at[2]),
        column: Number(at[3]),
      });
      pending = undefined;
    } else if (line.trim() !== "") {
      pending.message.push(line);
    }
  }
  return diagnostics;
}
