import { z } from 'zod';
import { formatIssues, InputError } from '../../machines/support';

/**
 * `tps compare --html`: one self-contained page with the designs' figures
 * side by side and, for one seed, each design's run report (html-report.ts)
 * in full. Each report is a whole page with its own ids and script, so each
 * is embedded as an iframe's srcdoc: nothing is fetched, nothing collides.
 */

export const compareHtmlInputSchema = z
  .object({
    title: z.string(),
    /** one line under the title: seeds, latency */
    about: z.string(),
    columns: z.array(z.string()).min(1),
    rows: z.array(z.object({ label: z.string(), values: z.array(z.string()), indent: z.boolean().optional() })),
    /** the seed whose runs are drawn, and each column's run report (renderHtmlReport's page) */
    detail: z.object({ seed: z.number().int(), pages: z.array(z.object({ column: z.string(), verdict: z.string(), html: z.string() })) }),
  })
  .strict()
  .superRefine((i, ctx) => {
    i.rows.forEach((r, k) => {
      if (r.values.length !== i.columns.length) ctx.addIssue({ code: 'custom', path: ['rows', k, 'values'], message: `${r.values.length} values for ${i.columns.length} columns` });
    });
  });
export type CompareHtmlInput = z.input<typeof compareHtmlInputSchema>;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{padding:14px 20px;background:#fff;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 4px}
.sub{color:#57606a}
table.figures{border-collapse:collapse;margin:16px 20px;background:#fff}
.figures th,.figures td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.figures thead th{background:#eaeef2}
.figures tr.indent th{padding-left:28px;font-weight:normal;color:#57606a}
section.design{margin:16px 20px}
section.design h2{font-size:16px;margin:0 0 6px}
.verdict{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;vertical-align:middle}
.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}
iframe{width:100%;height:820px;border:1px solid #d0d7de;background:#fff}
`;

/** Renders the page; throws an InputError naming the field when the input is malformed. */
export function renderCompareHtml(raw: CompareHtmlInput): string {
  const parsed = compareHtmlInputSchema.safeParse(raw);
  if (!parsed.success) throw new InputError('compare html input', formatIssues(parsed.error));
  const input = parsed.data;
  const head = `<tr><th></th>${input.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr>`;
  const body = input.rows
    .map((r) => `<tr${r.indent ? ' class="indent"' : ''}><th scope="row">${esc(r.label)}</th>${r.values.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
    .join('');
  const sections = input.detail.pages
    .map(
      (p) =>
        `<section class="design" id="design-${slug(p.column)}"><h2>${esc(p.column)}, seed ${input.detail.seed} <span class="verdict ${p.verdict === 'pass' ? 'pass' : 'fail'}">${esc(p.verdict.toUpperCase())}</span></h2>` +
        `<iframe title="${esc(`${p.column} run report, seed ${input.detail.seed}`)}" srcdoc="${esc(p.html)}"></iframe></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>${esc(input.title)}</h1><div class="sub">${esc(input.about)}</div></header>
<table class="figures" id="figures"><thead>${head}</thead><tbody>${body}</tbody></table>
${sections}
</body></html>
`;
}
