"""The report rendered: CSV (neutralised cells), HTML with inline SVG charts, one standalone file."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
from pathlib import Path
from typing import Optional

from bot.services.report.anonymity import MASKED_TEXT, SMALL_TEXT, K
from bot.services.report.figures import Report, Table

CSV_HEADER = ("section", "libellé 1", "libellé 2", "libellé 3", "personnes")


# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """value as a CSV cell a spreadsheet shows as text: a leading =, +, -, @, tab or carriage
    return is escaped with an apostrophe (OWASP's advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(v) for v in row])


def to_csv(report: Report) -> str:
    """Every table, one line per cell, hidden cells as "< 5" / "masqué"; then quality counts.
    Every cell is neutralised (csv_cell): catalogue titles come from third parties."""
    out = io.StringIO()
    writer = _SafeWriter(csv.writer(out, delimiter=";", lineterminator="\r\n"))
    writer.writerow(CSV_HEADER)
    for table in report.tables.values():
        for labels, cell in table.rows:
            padded = (list(labels) + ["", "", ""])[:3]
            writer.writerow([table.title, *padded, cell.text])
        if table.hidden_rows:
            writer.writerow([table.title, "formations masquées", "", "", f"{table.hidden_rows} (moins de {K} chacune)"])
    for check in report.quality:
        for reference, label in check.items:
            writer.writerow([f"Qualité du catalogue : {check.title}", reference, label, "", ""])
    return out.getvalue()


# -- rendering: HTML with inline SVG -------------------------------------------------------------

def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _svg_open(table: Table, width: int, height: int) -> str:
    """The opening of an accessible inline SVG chart, titled with the table's title."""
    return (f'<svg class="chart" role="img" aria-labelledby="c-{table.key}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="c-{table.key}">{_e(table.title)}</title>')


def bar_chart(table: Table, label_index: int = 0, width: int = 640) -> str:
    """Horizontal bars (inline SVG, no script, no style attribute) of the visible cells."""
    rows = table.visible_rows()
    hidden = len(table.rows) - len(rows)
    if not rows:
        return f'<p class="empty">Aucune donnée affichable (cases de moins de {K} personnes masquées).</p>'
    top = max(cell.value for _labels, cell in rows)
    bar_h, gap, label_w = 22, 6, 250
    height = len(rows) * (bar_h + gap) + gap
    parts = [_svg_open(table, width, height)]
    for i, (labels, cell) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2, int((width - label_w - 60) * cell.value / top))
        label = " · ".join(str(v) for v in labels[label_index:]) if label_index else labels[0]
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1b1b1b">'
                     f'{_e(label[:32])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#0a4a85"></rect>'
                     f'<text x="{label_w + w + 6}" y="{y + 16}" font-size="13" fill="#1b1b1b">{cell.value}</text>')
    parts.append("</svg>")
    if hidden:
        parts.append(f'<p class="chart-note">{hidden} case(s) masquée(s) : moins de {K} personnes.</p>')
    return "".join(parts)


def funnel_chart(table: Table, width: int = 640) -> str:
    rows = table.rows
    values = [cell.value for _l, cell in rows if cell.visible]
    top = max(values) if values else 1
    bar_h, gap = 34, 8
    height = len(rows) * (bar_h + gap) + gap
    parts = [_svg_open(table, width, height)]
    for i, (labels, cell) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = int(width * 0.95 * cell.value / top) if cell.visible else 0
        x = (width - w) // 2
        if cell.visible:
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{bar_h}" fill="#0a4a85" fill-opacity="{0.45 + 0.15 * (3 - i):.2f}"></rect>')
        parts.append(f'<text x="{width // 2}" y="{y + 22}" text-anchor="middle" font-size="14" '
                     f'fill="{"#ffffff" if cell.visible and w > 260 else "#1b1b1b"}">{_e(labels[0])} : {_e(cell.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(table: Table) -> str:
    """Domain x department grid: shade by people, hidden cells marked."""
    domains = list(dict.fromkeys(labels[0] for labels, _c in table.rows))
    departments = list(dict.fromkeys(labels[1] for labels, _c in table.rows))
    if not domains:
        return '<p class="empty">Aucune donnée.</p>'
    cells = {labels: cell for labels, cell in table.rows}
    top = max([c.value for c in cells.values() if c.visible] or [1])
    cw, ch, lw, th = 64, 26, 250, 110
    width, height = lw + cw * len(departments) + 4, th + ch * len(domains) + 4
    parts = [f'<svg class="chart" role="img" aria-labelledby="c-{table.key}-map" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
             f'<title id="c-{table.key}-map">{_e(table.title)}</title>']
    for j, dep in enumerate(departments):
        x = lw + j * cw + cw // 2
        parts.append(f'<text x="{x}" y="{th - 8}" font-size="12" fill="#1b1b1b" '
                     f'transform="rotate(-40 {x} {th - 8})">{_e(dep[:24])}</text>')
    for i, dom in enumerate(domains):
        y = th + i * ch
        parts.append(f'<text x="{lw - 8}" y="{y + 17}" text-anchor="end" font-size="12" fill="#1b1b1b">{_e(dom[:36])}</text>')
        for j, dep in enumerate(departments):
            cell = cells.get((dom, dep))
            x = lw + j * cw
            if cell is None:
                continue
            if cell.visible:
                opacity = 0.15 + 0.85 * cell.value / top
                parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" fill="#0a4a85" '
                             f'fill-opacity="{opacity:.2f}"></rect>'
                             f'<text x="{x + cw // 2}" y="{y + 17}" text-anchor="middle" font-size="12" '
                             f'fill="{"#ffffff" if opacity > 0.55 else "#1b1b1b"}">{cell.value}</text>')
            else:
                parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" fill="#e3e6ea"></rect>'
                             f'<text x="{x + cw // 2}" y="{y + 17}" text-anchor="middle" font-size="11" '
                             f'fill="#4a4a4a">{_e(cell.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in labels)
                   + f'<td class="num{"" if cell.visible else " hidden"}">{_e(cell.text)}</td></tr>'
                   for labels, cell in table.rows)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.columns)}">Aucune donnée sur la période.</td></tr>'
    note = f'<p class="note">{_e(table.note)}</p>' if table.note else ""
    return f'<table class="report"><caption>{_e(table.title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}'


def _section(title: str, ident: str, *content: str) -> str:
    return f'<section class="card" aria-labelledby="s-{ident}"><h2 id="s-{ident}">{_e(title)}</h2>{"".join(content)}</section>'


def _details(summary: str, content: str) -> str:
    return f"<details><summary>{_e(summary)}</summary>{content}</details>"


def report_body(report: Report, csv_href: Optional[str] = None, period_form: str = "") -> str:
    """The report as an HTML fragment (inline SVG charts, no script, no style attribute)."""
    from bot.core.french import french_date

    t = report.tables
    last_day = report.until - dt.timedelta(days=1)
    intro = (f"<p>Période : du {_e(french_date(report.since))} au {_e(french_date(last_day))}. "
             f"Chiffres en personnes distinctes.</p><p>Une case de moins de {K} personnes est masquée "
             f"(« {SMALL_TEXT} »). Une autre case est masquée (« {MASKED_TEXT} ») si un total permet "
             f"de la retrouver.</p>")
    links = f'<p><a href="{_e(csv_href)}" download>Télécharger les chiffres (CSV)</a></p>' if csv_href else ""
    quality = "".join(
        f'<h3>{_e(check.title)} : {len(check.items)}</h3>'
        + ("<ul class=\"quality\">" + "".join(f"<li><span class=\"ref\">{_e(ref)}</span> {_e(label)}</li>"
                                              for ref, label in check.items[:50]) + "</ul>" if check.items else "<p>Aucune.</p>")
        + (f"<p>… et {len(check.items) - 50} autres.</p>" if len(check.items) > 50 else "")
        for check in report.quality)
    return "".join([
        "<h1>Rapport pour la Région</h1>", intro, period_form, links,
        _section("Parcours", "funnel", funnel_chart(t["funnel"]), table_html(t["funnel"])),
        _section("Demande", "demand",
                 "<h3>Par domaine</h3>", bar_chart(t["demand_domain"]),
                 "<h3>Par département</h3>", bar_chart(t["demand_department"]),
                 "<h3>Par domaine et département</h3>", heatmap(t["demand"]),
                 _details("Tableaux de la demande", table_html(t["demand"]) + table_html(t["demand_domain"])
                          + table_html(t["demand_department"]) + table_html(t["demand_age"]))),
        _section("Demande non satisfaite", "unmet",
                 "<p>Profils pour lesquels aucune formation ne correspondait à tous les critères : "
                 "ce qu'il a fallu assouplir.</p>",
                 bar_chart(t["unmet_constraint"]), table_html(t["unmet"]), table_html(t["unmet_constraint"])),
        _section("Formations", "courses",
                 "<h3>Les plus proposées</h3>", bar_chart(t["top_shown"], 1), table_html(t["top_shown"]),
                 "<h3>Les plus suivies (lien ouvert)</h3>", bar_chart(t["top_followed"], 1),
                 table_html(t["top_followed"])),
        _section("Passages vers un conseiller", "handoffs", table_html(t["handoffs"])),
        _section("Qualité du catalogue", "quality", quality),
    ])


REPORT_CSS_FILE = "report.css"


def standalone_html(report: Report) -> str:
    """One self-contained file: inline CSS and SVG, no script, no external resource."""
    static = Path(__file__).resolve().parents[2] / "gateway" / "static"
    css = (static / "console.css").read_text(encoding="utf-8") + (static / REPORT_CSS_FILE).read_text(encoding="utf-8")
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Rapport pour la Région – Cap Numérique</title>
<style>
{css}
</style>
</head>
<body>
<main id="contenu">
{report_body(report)}
<p class="note">Produit le {_e(report.generated_at.strftime('%d/%m/%Y à %H:%M'))} par Cap Numérique.</p>
</main>
</body>
</html>
"""
