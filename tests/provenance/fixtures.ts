/** Small chapter projects for provenance, diff and verify tests (built with the real pipeline, quick). */
export const DATA_CHAPTER = `---
title: Data
---

# Data

The data holds \${values.length} numbers; their total is \${total}.

\`\`\`ts
import { readFileSync } from "node:fs";
const values = readFileSync(new URL("./data.csv", import.meta.url), "utf8").trim().split(",").map(Number);
const total = values.reduce((a, b) => a + b, 0);
\`\`\`

\`\`\`ts
//| label: fig-bars
//| caption: The values.
import * as Plot from "@observablehq/plot";
Plot.plot({ marks: [Plot.barY(values.map((value, i) => ({ i, value })), { x: "i", y: "value" })] });
\`\`\`

\`\`\`ts
//| label: tbl-values
//| caption: The values as a table.
values.map((value, i) => ({ i, value }));
\`\`\`
`;

export const STEADY_CHAPTER = `---
title: Steady
---

Nothing here reads the data: \${answer}.

\`\`\`ts
//| label: fig-steady
import * as Plot from "@observablehq/plot";
const answer = 42;
Plot.plot({ marks: [Plot.dot([{ x: 1, y: answer }], { x: "x", y: "y" })] });
\`\`\`
`;

export const RANDOM_CHAPTER = `---
title: Random
---

A draw: \${draw}.

\`\`\`ts
const fixed = 7;
fixed
\`\`\`

\`\`\`ts
const draw = Math.random();
draw
\`\`\`
`;
