import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { escapeHtml } from "./escape.ts";

const LANGUAGES = { bash, css, javascript, json, markdown, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

const ALIASES: Record<string, string> = {
  ts: "typescript",
  js: "javascript",
  sh: "bash",
  shell: "bash",
  html: "xml",
  yml: "yaml",
  md: "markdown",
};

export function languageName(lang: string): string | undefined {
  const name = ALIASES[lang] ?? lang;
  return hljs.getLanguage(name) ? name : undefined;
}

/** Code as HTML with highlight classes (`hljs-*`), or escaped as is for unknown languages. */
export function highlight(code: string, lang: string): string {
  const language = languageName(lang);
  return language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
}

/** A `<pre><code>` block of highlighted code. */
export function codeBlockHtml(code: string, lang: string, className = "code"): string {
  const language = languageName(lang) ?? "plaintext";
  return `<pre class="${className}"><code class="hljs language-${language}">${
    highlight(code, lang)
  }</code></pre>`;
}
