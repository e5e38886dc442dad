"""The report's stylesheet, inlined into the page: readable on a phone, printable on A4."""

CSS = """
:root { --ink:#1d2330; --muted:#5b6474; --line:#d9dee7; --bg:#f6f7f9; --card:#ffffff;
  --left:#1f5fa8; --right:#d95f02; --ok:#2e7d32; --watch:#b26a00; --concern:#b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.25rem; margin: 0 0 .6rem; }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
section, header.sl-head { background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; padding: 1rem 1.1rem; margin: 0 0 1rem; }
p { margin: .3rem 0 .6rem; }
.sl-muted, figcaption, .sl-note { color: var(--muted); font-size: .9rem; }
.sl-facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
  gap: .2rem 1.2rem; margin: .5rem 0 0; }
.sl-facts div { display: flex; gap: .4rem; min-width: 0; }
.sl-facts dt { color: var(--muted); white-space: nowrap; }
.sl-facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
/* a file name never breaks inside a word: it breaks at a path separator (<wbr>) or not at all */
.sl-name { overflow-wrap: normal; word-break: keep-all; }
.sl-facts div.sl-wide { grid-column: 1 / -1; }
.sl-warnings { background: #fff4e0; border: 2px solid var(--watch); border-radius: 10px;
  padding: .7rem 1rem; margin: 0 0 1rem; }
.sl-warnings h2 { color: #7a4800; font-size: 1.1rem; }
.sl-warnings ul { margin: .2rem 0 0 1.1rem; padding: 0; }
.sl-table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
table.sl-data th, table.sl-data td { text-align: right; white-space: nowrap;
  vertical-align: baseline; }
table.sl-data th:first-child, table.sl-data td:first-child { text-align: left;
  white-space: normal; min-width: 9rem; }
thead th { background: #eef1f5; font-weight: 600; }
tr.sl-group th { text-align: left; font-size: .85rem; text-transform: uppercase;
  letter-spacing: .04em; color: var(--muted); padding-top: .7rem; }
td.sl-l, th.sl-l { color: var(--left); } td.sl-r, th.sl-r { color: var(--right); }
figure { margin: .4rem 0 .8rem; }
.sl-fig-scroll { overflow-x: auto; }
/* each plot carries its natural width in --w: never larger, on a phone at least 70 % of it
   (the figure then scrolls sideways rather than shrinking its text below ~9 px) */
svg.sl-plot { width: 100%; height: auto; display: block; margin: 0 auto;
  max-width: var(--w, 100%); min-width: calc(0.7 * var(--w, 0px)); }
.sl-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
  gap: .6rem 1rem; }
.sl-findings { display: grid; gap: .8rem; }
.sl-finding { border: 1px solid var(--line); border-left: 6px solid var(--muted);
  border-radius: 8px; padding: .7rem .9rem; break-inside: avoid; page-break-inside: avoid; }
.sl-finding.sl-ok { border-left-color: var(--ok); }
.sl-finding.sl-watch { border-left-color: var(--watch); }
.sl-finding.sl-concern { border-left-color: var(--concern); }
.sl-finding-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3rem .8rem; }
.sl-value { font-size: 1.15rem; font-weight: 700; }
.sl-value.sl-none { font-size: .95rem; font-weight: 400; color: var(--muted); }
.sl-badge { display: inline-block; border-radius: 999px; padding: .05rem .55rem;
  font-size: .8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.sl-badge.sl-ok { color: var(--ok); } .sl-badge.sl-watch { color: var(--watch); }
.sl-badge.sl-concern { color: var(--concern); } .sl-badge.sl-grade { color: #4a4f8c; }
.sl-views { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; margin-top: .5rem; }
.sl-view { background: var(--bg); border-radius: 6px; padding: .5rem .7rem; }
.sl-view h4 { margin: 0 0 .2rem; font-size: .9rem; }
.sl-meta { font-size: .9rem; margin: .2rem 0; }
.sl-meta b { font-weight: 600; }
/* the program fragment (stridelab.program.render): sl- classes, styled here */
.sl-program section { border: none; padding: 0; margin: .8rem 0; background: none; }
.sl-program h3 { margin-top: .6rem; }
.sl-program-meta { color: var(--muted); }
.sl-program-findings ul { padding-left: 1.1rem; }
.sl-program-finding { margin: .25rem 0; }
details.sl-week, details.sl-program-rules { border: 1px solid var(--line); border-radius: 8px;
  padding: .4rem .8rem; margin: .6rem 0; }
details > summary { cursor: pointer; font-weight: 600; }
.sl-session { margin: .6rem 0 1rem; }
.sl-session h4 { margin: .6rem 0 .3rem; }
ul.sl-cues { margin: .2rem 0 0; padding-left: 1.1rem; color: var(--muted); font-size: .88rem; }
.sl-session-table td:nth-child(2), .sl-session-table td:nth-child(4) { white-space: nowrap; }
.sl-session-table td:first-child { min-width: 12rem; }
footer { color: var(--muted); font-size: .9rem; padding: .5rem 1rem 2rem; max-width: 1040px;
  margin: 0 auto; }
footer strong { color: var(--ink); }
@media (max-width: 640px) {
  body { font-size: 15px; }
  main { padding: .5rem; }
  section, header.sl-head { padding: .8rem; border-radius: 8px; }
  .sl-views { grid-template-columns: 1fr; }
  .sl-grid { grid-template-columns: 1fr; }
  th, td { padding: .3rem .35rem; font-size: .85rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section, header.sl-head { border: none; padding: 0; margin: 0 0 6mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
  /* small blocks stay whole; tables break between rows, never inside one, so a long table
     does not leave the rest of a page blank */
  figure, .sl-warnings, tr, dl.sl-facts > div { break-inside: avoid;
    page-break-inside: avoid; }
  p, li { orphans: 3; widows: 3; }
  /* a finding card may continue on the next page rather than leave this one half empty */
  .sl-finding { break-inside: auto; page-break-inside: auto; }
  .sl-finding-head { break-after: avoid; page-break-after: avoid; }
  .sl-views { display: block; }
  .sl-view { margin: 0 0 .3rem; }
  /* the program's tables: fixed columns sized to their text, a smaller type */
  .sl-program table { table-layout: fixed; font-size: 8.5pt; }
  .sl-program th, .sl-program td { padding: .2rem .35rem; }
  table.sl-session-table th:nth-child(1) { width: 30%; }
  table.sl-session-table th:nth-child(2) { width: 13%; }
  table.sl-session-table th:nth-child(3) { width: 32%; }
  table.sl-session-table th:nth-child(4) { width: 7%; }
  table.sl-session-table th:nth-child(5) { width: 18%; }
  .sl-session-table td:first-child { min-width: 0; }
  table.sl-program-overview th:nth-child(1) { width: 7%; }
  table.sl-program-overview th:nth-child(2) { width: 15%; }
  table.sl-program-overview th:nth-child(3) { width: 22%; }
  details.sl-program-rules th:nth-child(1) { width: 30%; }
  details.sl-program-rules th:nth-child(2) { width: 14%; }
  details.sl-program-rules th:nth-child(4) { width: 16%; }
  .sl-program td { overflow-wrap: break-word; }
  ul.sl-cues { font-size: 8pt; }
  h3, h4, summary, tr.sl-group, .sl-session h4 { break-after: avoid; page-break-after: avoid; }
  /* paper cannot be clicked open: every collapsed part (weeks, rules, filming) prints whole */
  details::details-content { content-visibility: visible; display: block; }
  details > summary { list-style: none; cursor: auto; font-size: 1.05rem; }
  details > summary::-webkit-details-marker { display: none; }
  details.sl-week, details.sl-program-rules { border: none; padding: 0; margin: 4mm 0 0; }
  .sl-fig-scroll, .sl-table-wrap { overflow: visible; }
  /* a plot never takes more than about a third of a page: it then fits beside the text
     before it instead of leaving that page half empty (its viewBox keeps its shape) */
  svg.sl-plot { min-width: 0; max-width: 100%; max-height: 100mm; }
  .sl-grid { grid-template-columns: 1fr 1fr; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
