/** The stats page's stylesheet: readable on a laptop screen, light and dark. */
export const CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d8dee4;--bg:#fff;--card:#f6f8fa;--spent:#d9822b;--saved:#2b8a3e;--bad:#cf222e;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--bg:#0d1117;--card:#161b22;--accent:#4493f8}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header{padding:1rem 2rem .5rem;border-bottom:1px solid var(--line)}
h1{margin:0;font-size:1.35rem}.repo{color:var(--muted);font-weight:400}
.period{margin:.2rem 0;color:var(--muted)}
nav a{margin-right:1rem;color:var(--accent);text-decoration:none}nav a:hover{text-decoration:underline}
main{padding:1rem 2rem 3rem;max-width:1400px}
h2{font-size:1.1rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:.95rem;margin:.2rem 0 .4rem}
.intro,.note,.empty{color:var(--muted)}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.75rem}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem}
.kpi .label{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:1.6rem;font-weight:600;font-variant-numeric:tabular-nums}
.kpi .sub{color:var(--muted);font-size:.85rem}
.badtext{color:var(--bad)}
.kpi.spent .value{color:var(--spent)}.kpi.saved .value{color:var(--saved)}.kpi.bad .value{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:1rem}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem}
figcaption{color:var(--muted);font-size:.85rem}
.chart{width:100%;height:auto;display:block}
.chart text{font-size:10px;fill:var(--muted)}.chart .grid line{stroke:var(--line)}
.chart .spent{fill:var(--spent)}.chart .saved{fill:var(--saved)}.chart .fail{fill:var(--bad)}
.key{color:var(--muted);font-size:.85rem}.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin:0 .3rem 0 .8rem;vertical-align:-1px}
.sw.spent{background:var(--spent)}.sw.saved{background:var(--saved)}.sw.fail{background:var(--bad);border-radius:50%}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.3rem .55rem;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
th{font-weight:600;color:var(--muted);font-size:.85rem;cursor:help}
.num{text-align:right}td small{color:var(--muted)}
tr.removed td{color:var(--muted)}
.tag{font-size:.72rem;border-radius:4px;padding:0 .35rem;border:1px solid}
.tag.removed{color:var(--muted)}.tag.flaky{color:var(--bad)}
.bars{min-width:140px;width:100%}.bar{height:.42rem;margin:.12rem 0;border-radius:2px;min-width:1px}
.bar.spent{background:var(--spent)}.bar.saved{background:var(--saved)}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1.5rem}
.cols td{white-space:normal}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;color:var(--muted);font-size:.8rem;margin:.5rem 0 0}
dl.legend dt{font-weight:600}dl.legend dd{margin:0}
details{margin:.3rem 0}summary{cursor:pointer}
li.failed{color:var(--bad)}li.passed{color:var(--saved)}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
`;
