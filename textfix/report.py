"""``textfix report``: one self-contained HTML page about a corpus, for people who decide by looking.

The page holds (no network needed to view it; the chart's library, plotly.js, is inlined):

* the distribution of spin scores over the corpus's documents (a plotly histogram);
* the sites (``--group-by FIELD`` of records) or folders ranked by how spun they are;
* the most frequent restorations (spun wording -> original, how often, mean confidence);
* each document with its edits highlighted: the spun words struck through, the original after
  them, the confidence and source on hover (``title``); filterable by site, by score and to
  documents with edits (the filter is also read from the address: ``report.html#site=S&min=0.5``).

:class:`Corpus` gathers documents (each with its text, spin score and edits, as
``textfix.batch.Result.documents`` gives them); :func:`render` writes the page. plotly is an
optional dependency (``pip install 'textfix[report]'``).
"""
from __future__ import annotations

import html
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Corpus", "render", "site_of", "SPUN_AT", "MAX_DOCS", "MAX_CHARS"]

#: A document at this spin score or above counts as spun in the site ranking (as ``scan``'s default
#: threshold).
SPUN_AT = 0.5
#: Documents shown in full on the page by default (the counts, chart and rankings use all of them):
#: a page of a few thousand articles is still quick to open.
MAX_DOCS = 2000
#: Characters of one document shown; a longer document is cut after its last edit within this.
MAX_CHARS = 20_000


@dataclass
class _Doc:
    label: str
    site: str
    score: float
    text: str
    edits: list[dict[str, object]]
    cut: bool = False


@dataclass
class _Site:
    docs: int = 0
    spun: int = 0
    score_sum: float = 0.0
    edits: int = 0


@dataclass
class Corpus:
    """Documents gathered for a report: every score and edit counted, the first ``max_docs``
    documents kept whole for the page."""

    max_docs: int = MAX_DOCS
    scores: list[float] = field(default_factory=list)
    docs: list[_Doc] = field(default_factory=list)
    sites: dict[str, _Site] = field(default_factory=lambda: defaultdict(_Site))
    restorations: Counter = field(default_factory=Counter)
    confidence: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    files: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, label: str, site: str, text: str, score: float, edits: list[dict[str, object]]) -> None:
        self.scores.append(score)
        s = self.sites[site]
        s.docs += 1
        s.spun += score >= SPUN_AT
        s.score_sum += score
        s.edits += len(edits)
        for e in edits:
            key = (str(e["spun"]), str(e["original"]))
            self.restorations[key] += 1
            self.confidence[key] += float(e["confidence"])  # type: ignore[arg-type]
        if len(self.docs) < self.max_docs:
            cut = False
            if len(text) > MAX_CHARS:
                last = max([int(e["end"]) for e in edits if int(e["end"]) <= MAX_CHARS] or [0])  # type: ignore[arg-type]
                limit = max(MAX_CHARS // 2, last)
                edits = [e for e in edits if int(e["end"]) <= limit]  # type: ignore[arg-type]
                text, cut = text[:limit], True
            self.docs.append(_Doc(label, site, score, text, edits, cut))

    def add_result(self, result, site_of_file: str) -> None:  # noqa: ANN001 - a textfix.batch.Result
        """Add the documents of one file's result (``Job(documents=True)``)."""
        self.files += 1
        if not result.ok:
            self.failed.append(result.error)
            return
        docs = result.documents
        for i, d in enumerate(docs):
            if "line" in d:
                label = f"{result.label}:{d['line']}"
            else:
                label = result.label if len(docs) == 1 else f"{result.label} (part {i + 1})"
            site = d.get("group") or site_of_file
            self.add(label, str(site), str(d["text"]), float(d["spin_score"]), list(d["edits"]))  # type: ignore[arg-type]

    def ranked_sites(self) -> list[tuple[str, _Site]]:
        """Sites by share of spun documents, then mean score (most spun first)."""
        return sorted(self.sites.items(), key=lambda kv: (-kv[1].spun / kv[1].docs,
                                                          -kv[1].score_sum / kv[1].docs, kv[0]))


def _chart(scores: list[float]) -> str:
    try:
        import plotly.graph_objects as go
        import plotly.io as pio
    except ImportError:
        raise ImportError("textfix report draws its chart with plotly: pip install 'textfix[report]'") from None
    # bins [0, 0.05) .. [0.95, 1]: a score of exactly 1 (common: certainly spun) goes in the last
    scores = [min(s, 0.9999) for s in scores]
    fig = go.Figure(go.Histogram(x=scores, xbins={"start": 0.0, "end": 1.0, "size": 0.05},
                                 marker={"color": "#b03a2e"}, name="documents"))
    fig.update_layout(title={"text": "Spin score of each document"}, bargap=0.05, height=320,
                      margin={"l": 50, "r": 20, "t": 50, "b": 45}, template="plotly_white",
                      xaxis={"title": {"text": "spin score (0 clean .. 1 certainly spun)"}, "range": [0, 1]},
                      yaxis={"title": {"text": "documents"}})
    fig.add_vline(x=SPUN_AT, line_dash="dash", line_color="#555")
    return pio.to_html(fig, include_plotlyjs=True, full_html=False, div_id="score-chart",
                       config={"displaylogo": False, "responsive": True})


def _marked(text: str, edits: Iterable[dict[str, object]]) -> str:
    """``text`` as HTML, each edit as the struck-through spun words and the original after them."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: int(e["start"])):  # type: ignore[arg-type]
        a, b = int(e["start"]), int(e["end"])  # type: ignore[arg-type]
        if a < pos:
            continue
        conf = float(e["confidence"])  # type: ignore[arg-type]
        tip = f"confidence {conf:.2f} · {e.get('source', '')}"
        out.append(html.escape(text[pos:a]))
        out.append(f'<span class="edit" title="{html.escape(tip)}" data-confidence="{conf:.4f}">'
                   f'<del>{html.escape(text[a:b])}</del><ins>{html.escape(str(e["original"]))}</ins></span>')
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cfd8e3}main{padding:12px 24px;max-width:1200px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:17px;margin:4px 0 10px}.cols{display:flex;gap:12px;flex-wrap:wrap}.cols>section{flex:1;min-width:340px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.site{cursor:pointer}tr.site:hover{background:#f3f6fa}
.bar{display:inline-block;height:9px;background:#b03a2e;border-radius:2px;vertical-align:middle}
#filters{position:sticky;top:0;z-index:2;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
#filters label{white-space:nowrap}#shown{color:#555}
.doc{border-top:1px solid #eee;padding:10px 0}.doc h3{font-size:14px;margin:0 0 4px;font-weight:600;word-break:break-all}
.meta{font-size:13px;color:#555;margin-bottom:4px}.score{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.text{white-space:pre-wrap;font-family:Georgia,"DejaVu Serif",serif;font-size:15px;max-height:420px;overflow:auto;
background:#fcfcfc;border:1px solid #f0f0f0;padding:6px 10px}
.edit{background:#fff4d6;border-radius:3px;padding:0 2px;cursor:help}.edit del{color:#b03a2e}
.edit ins{color:#1e7b34;text-decoration:none;font-weight:600;margin-left:3px}.cut{color:#888;font-style:italic}
.doc.hidden{display:none}
"""

_JS = """
(function(){
  var docs=[].slice.call(document.querySelectorAll('.doc'));
  var site=document.getElementById('site'),min=document.getElementById('min-score'),
      minOut=document.getElementById('min-score-value'),edited=document.getElementById('only-edited'),
      shown=document.getElementById('shown');
  function apply(){
    var s=site.value,m=parseFloat(min.value),e=edited.checked,n=0;
    minOut.textContent=m.toFixed(2);
    docs.forEach(function(d){
      var ok=(!s||d.dataset.site===s)&&parseFloat(d.dataset.score)>=m&&(!e||d.dataset.edits!=='0');
      d.classList.toggle('hidden',!ok);if(ok)n++;});
    shown.textContent='showing '+n+' of '+docs.length+' documents';
    var h=[];if(s)h.push('site='+encodeURIComponent(s));if(m>0)h.push('min='+m);if(e)h.push('edited=1');
    if(history.replaceState)history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname+location.search);
  }
  function fromHash(){
    location.hash.replace(/^#/,'').split('&').forEach(function(kv){
      var p=kv.split('='),k=p[0],v=decodeURIComponent(p[1]||'');
      if(k==='site'){site.value=v;}else if(k==='min'){min.value=v;}else if(k==='edited'){edited.checked=v==='1';}
    });
  }
  [site,min,edited].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  [].slice.call(document.querySelectorAll('tr.site')).forEach(function(tr){
    tr.addEventListener('click',function(){site.value=tr.dataset.site;apply();
      document.getElementById('documents').scrollIntoView();});});
  fromHash();apply();
})();
"""


def _score_color(score: float) -> str:
    return "#b03a2e" if score >= 0.8 else "#d68910" if score >= SPUN_AT else "#7f8c8d" if score >= 0.2 else "#1e7b34"


def render(corpus: Corpus, *, title: str = "textfix report", subtitle: str = "") -> str:
    """The report page (one HTML string, self-contained)."""
    esc = html.escape
    n = len(corpus.scores)
    spun = sum(s >= SPUN_AT for s in corpus.scores)
    edits = sum(s.edits for s in corpus.sites.values())
    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f'<meta name="generator" content="textfix"><style>{_CSS}</style></head><body>',
             f'<header><h1>{esc(title)}</h1><p id="summary">{n:,} documents'
             f'{f" in {corpus.files:,} files" if corpus.files else ""}, {spun:,} look spun '
             f'(spin score &ge; {SPUN_AT}), {edits:,} restorations'
             f'{f"; {len(corpus.failed)} files failed" if corpus.failed else ""}'
             f'{"; " + esc(subtitle) if subtitle else ""}</p></header><main>',
             f'<section id="chart">{_chart(corpus.scores)}</section>', '<div class="cols">']
    # sites ranked
    rows = []
    for name, s in corpus.ranked_sites():
        share = s.spun / s.docs
        rows.append(f'<tr class="site" data-site="{esc(name, quote=True)}" title="show only this site\'s documents">'
                    f'<td>{esc(name)}</td><td class="n">{s.docs:,}</td><td class="n">{s.spun:,}</td>'
                    f'<td><span class="bar" style="width:{round(60 * share)}px"></span> {share:.0%}</td>'
                    f'<td class="n">{s.score_sum / s.docs:.2f}</td><td class="n">{s.edits:,}</td></tr>')
    parts.append('<section id="sites"><h2>Sites ranked by how spun they are</h2><table><thead><tr><th>site</th>'
                 '<th class="n">documents</th><th class="n">spun</th><th>share spun</th><th class="n">mean score</th>'
                 f'<th class="n">edits</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')
    rows = []
    for (sp, orig), k in corpus.restorations.most_common(15):
        rows.append(f'<tr><td><del>{esc(sp)}</del></td><td>{esc(orig)}</td><td class="n">{k:,}</td>'
                    f'<td class="n">{corpus.confidence[(sp, orig)] / k:.2f}</td></tr>')
    parts.append('<section id="restorations"><h2>Most frequent restorations</h2><table><thead><tr><th>spun</th>'
                 '<th>original</th><th class="n">times</th><th class="n">mean confidence</th></tr></thead>'
                 f'<tbody>{"".join(rows) or "<tr><td colspan=4>none</td></tr>"}</tbody></table></section></div>')
    # documents
    options = "".join(f'<option value="{esc(s, quote=True)}">{esc(s)}</option>' for s in sorted(corpus.sites))
    parts.append('<section id="documents"><div id="filters"><h2>Documents</h2>'
                 f'<label>site <select id="site"><option value="">all sites</option>{options}</select></label>'
                 '<label>spin score &ge; <input type="range" id="min-score" min="0" max="1" step="0.05" value="0">'
                 ' <span id="min-score-value">0.00</span></label>'
                 '<label><input type="checkbox" id="only-edited"> only documents with edits</label>'
                 '<span id="shown"></span></div>')
    if len(corpus.docs) < n:
        parts.append(f'<p class="cut">The first {len(corpus.docs):,} of {n:,} documents are shown '
                     f'(textfix report --max-docs N shows more); the chart and tables count them all.</p>')
    for d in corpus.docs:
        parts.append(f'<article class="doc" data-site="{esc(d.site, quote=True)}" data-score="{d.score:.4f}" '
                     f'data-edits="{len(d.edits)}"><h3>{esc(d.label)}</h3><div class="meta">'
                     f'<span class="score" style="background:{_score_color(d.score)}">{d.score:.2f}</span> '
                     f'site {esc(d.site)} · {len(d.edits)} edit{"" if len(d.edits) == 1 else "s"}</div>'
                     f'<div class="text">{_marked(d.text, d.edits)}'
                     f'{"<span class=cut> [cut here]</span>" if d.cut else ""}</div></article>')
    parts.append(f'</section></main><script>{_JS}</script></body></html>\n')
    return "".join(parts)


def site_of(arg: str, rel: str | None) -> str:
    """A file's site when its records name none: its folder, from the input folder ``arg`` on
    (``crawl/site-a`` for ``crawl/site-a/x.html`` of input ``crawl/``; ``rel`` is the path in it),
    or, for a file given by name, the folder it is in (``.`` for none)."""
    if rel is None:
        return os.path.dirname(arg) or "."
    top = os.path.basename(os.path.normpath(arg)) or arg
    sub = os.path.dirname(rel)
    return os.path.join(top, sub) if sub else top

