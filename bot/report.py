"""The Region's report: demand, unmet demand, funnel, courses, catalogue quality.

    python -m bot.report --since 2026-01-01 --out report.html   [--until 2026-07-01] [--database-url URL]
    python -m bot.report --since 2026-01-01 --csv report.csv
    python -m bot.report aggregate [--older-than 1d]            # daily, from cron (bot.analytics.aggregate)

`compute_report(engine, since, until)` reads bot.analytics' tables (raw events + daily
aggregates) and the catalogue, and returns a `Report`; the console page (/conseiller/region),
the CSV export (/conseiller/region.csv) and the HTML file all render that same object.

People, not events: a cell counts distinct contributors (keyed hashes) over the raw events,
plus the distinct counts kept by the daily aggregates (a person active on two days of the
aggregated part counts twice: aggregated data can no longer tell).

k-anonymity, applied in ONE place (`protect`):
1. primary suppression: a cell with fewer than K (5) people is hidden, shown "< 5";
2. complementary suppression: a table's lines add up to totals published elsewhere (a domain's
   row to its total by domain, a constraint's plane to its total by constraint, the whole table to
   the funnel), so no line (all cells sharing the coordinates outside any set of axes: a row, a
   column, a plane, the whole table) ever holds exactly one hidden cell: the smallest visible cell of that line is hidden too, shown "masqué", and this
   repeats until every line holds 0 or at least 2 hidden cells. A total minus the visible cells
   then only ever gives the sum of two or more hidden cells, never one of them;
3. no total is computed from the cells: totals are the funnel's own counts (suppressed the same
   way), and charts draw visible cells only.
Course rankings list visible courses only, with the number of hidden ones.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import sys
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.engine import Connection, Engine

from bot.analytics import analytics_daily, analytics_events
from bot.vocab import COURSE_DOMAINS, DEPARTMENT_NAMES, DOMAIN_LABELS, YOUTH_AGE_LIMIT

K = 5
SMALL, MASKED = "small", "masked"
SMALL_TEXT, MASKED_TEXT = "< 5", "masqué"
TOP_COURSES = 10
MIN_ACTIONS_UNDER_26 = 3

UNKNOWN = "non renseigné"
CONSTRAINT_LABELS = {
    "aucune_formation": "aucune formation trouvée",
    "modalite": "modalité (distance / sur place)",
    "creneau": "moment de la journée",
    "heures_semaine": "heures par semaine",
    "certification": "certification",
    "domaine": "domaine",
    "niveau": "niveau d'entrée",
    "equipement": "équipement",
    "debut": "date de début",
}
HANDOFF_LABELS = {"conseiller": "vers un conseiller (lieux proposés)", "code_recap": "code récapitulatif donné"}
FUNNEL = (("conversation_started", "Conversations commencées"),
          ("profile_complete", "Profils complets"),
          ("recommendations_shown", "Formations proposées"),
          ("link_followed", "Lien d'une formation suivi"))


@dataclass(frozen=True)
class Cell:
    value: int
    status: str = "ok"  # ok | small (< K) | masked (complementary suppression)

    @property
    def visible(self) -> bool:
        return self.status == "ok"

    @property
    def text(self) -> str:
        if self.status == SMALL:
            return SMALL_TEXT
        if self.status == MASKED:
            return MASKED_TEXT
        return str(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: Sequence[str]          # labels of the dimensions, then "Personnes"
    rows: list                      # [(labels tuple, Cell)]
    note: str = ""
    hidden_rows: int = 0            # rankings: rows left out because hidden

    def visible_rows(self):
        return [(labels, cell) for labels, cell in self.rows if cell.visible]


@dataclass
class QualityCheck:
    key: str
    title: str
    items: list                     # [(reference, label)]


@dataclass
class Report:
    since: dt.date
    until: dt.date                  # exclusive
    generated_at: dt.datetime
    tables: dict = field(default_factory=dict)
    quality: list = field(default_factory=list)


# -- k-anonymity: the one place --------------------------------------------------------------

def protect(counts: Mapping[tuple, int], *, complementary: bool = True, k: int = K) -> dict[tuple, Cell]:
    """Cells for counts (keys: tuples of coordinates), with primary and complementary
    suppression as described in the module docstring."""
    status = {key: (SMALL if value < k else "ok") for key, value in counts.items()}
    if not complementary or not counts:
        return {key: Cell(counts[key], status[key]) for key in counts}
    dims = len(next(iter(counts)))
    lines: list[list[tuple]] = []
    # Every sum a reader could compare with a published total: along one axis (a row, a
    # column), along several (a plane of a 3-dimension table), along all (the whole table).
    for size in range(1, max(dims, 1) + 1):
        for axes in itertools.combinations(range(dims), size):
            grouped: dict[tuple, list[tuple]] = {}
            for key in counts:
                grouped.setdefault(tuple(v for i, v in enumerate(key) if i not in axes), []).append(key)
            lines.extend(grouped.values())
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [key for key in line if status[key] != "ok"]
            shown = [key for key in line if status[key] == "ok"]
            if len(hidden) == 1 and shown:
                smallest = min(shown, key=lambda key: (counts[key], str(key)))
                status[smallest] = MASKED
                changed = True
    return {key: Cell(counts[key], status[key]) for key in counts}


# -- counting ----------------------------------------------------------------------------------

def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def count_people(conn: Connection, kind: str, dims: Sequence[str], since: dt.date, until: dt.date) -> dict[tuple, int]:
    """Distinct people per combination of dims (raw events) + the aggregates' distinct counts."""
    ev, daily = analytics_events.c, analytics_daily.c
    out: dict[tuple, int] = {}
    raw = (select(*[ev[d] for d in dims], func.count(distinct(ev.contributor)))
           .where(ev.kind == kind, ev.occurred_at >= _day_start(since), ev.occurred_at < _day_start(until))
           .group_by(*[ev[d] for d in dims]))
    agg = (select(*[daily[d] for d in dims], func.sum(daily.people))
           .where(daily.kind == kind, daily.day >= since, daily.day < until)
           .group_by(*[daily[d] for d in dims]))
    for query in (raw, agg):
        for row in conn.execute(query):
            key, value = tuple(row[:-1]), int(row[-1] or 0)
            if value:
                out[key] = out.get(key, 0) + value
    return out


def _domain(code) -> str:
    return DOMAIN_LABELS.get(code, UNKNOWN) if code else UNKNOWN


def _department(code) -> str:
    if not code:
        return UNKNOWN
    if code in DEPARTMENT_NAMES:
        return f"{DEPARTMENT_NAMES[code]} ({code})"
    return "Hors Île-de-France" if code == "hors_idf" else str(code)


def _table(key: str, title: str, columns: Sequence[str], counts: Mapping[tuple, int], labellers: Sequence,
           *, complementary: bool = True, note: str = "") -> Table:
    cells = protect(counts, complementary=complementary)
    order = sorted(cells, key=lambda k: (-counts[k], tuple(str(v) for v in k)))
    rows = [(tuple(label(value) for label, value in zip(labellers, key)), cells[key]) for key in order]
    return Table(key, title, list(columns) + ["Personnes"], rows, note)


def _ranking(key: str, title: str, counts: Mapping[tuple, int], titles: Mapping[str, str]) -> Table:
    cells = protect(counts)
    visible = sorted((k for k in cells if cells[k].visible), key=lambda k: (-counts[k], str(k)))
    rows = [((str(k[0]), titles.get(k[0], "Formation retirée du catalogue")), cells[k])
            for k in visible[:TOP_COURSES]]
    hidden = sum(1 for cell in cells.values() if not cell.visible)
    note = (f"{hidden} autre(s) formation(s) masquée(s) : moins de {K} personnes." if hidden else "")
    return Table(key, title, ["Référence", "Formation", "Personnes"], rows, note, hidden)


def _course_titles(conn: Connection) -> dict[str, str]:
    from bot.catalogue.models import Action, Formation

    return {row[0]: row[1] for row in conn.execute(
        select(Action.id, Formation.intitule).join(Formation, Formation.id == Action.formation_id))}


def snap_to_months(since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """[since, until) widened to whole calendar months: since to the first day of its month,
    until (exclusive) to the first day of the month after the last day asked. Two windows then
    always differ by at least a month, so comparing them cannot single out one day's person
    from a cell that k-anonymity hides."""
    start = since.replace(day=1)
    last = max(until - dt.timedelta(days=1), start)
    end = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, end


def compute_report(engine: Engine, since: dt.date, until: Optional[dt.date] = None,
                   today: Optional[dt.date] = None) -> Report:
    """The whole report from SQL; until is exclusive (default: tomorrow, i.e. up to now).
    The window is snapped to whole calendar months (snap_to_months) whatever is asked."""
    today = today or dt.date.today()
    until = until or today + dt.timedelta(days=1)
    since, until = snap_to_months(since, until)
    report = Report(since, until, dt.datetime.now().replace(microsecond=0))
    t = report.tables
    with engine.connect() as conn:
        funnel = {(label,): count_people(conn, kind, (), since, until).get((), 0) for kind, label in FUNNEL}
        cells = protect(funnel, complementary=False)
        t["funnel"] = Table("funnel", "Parcours : de la conversation au lien suivi", ["Étape", "Personnes"],
                            [((label,), cells[(label,)]) for _kind, label in FUNNEL])
        demand = count_people(conn, "profile_complete", ("domaine", "departement"), since, until)
        t["demand"] = _table("demand", "Demande par domaine et département", ["Domaine", "Département"],
                             demand, (_domain, _department))
        t["demand_domain"] = _table("demand_domain", "Demande par domaine", ["Domaine"],
                                    count_people(conn, "profile_complete", ("domaine",), since, until), (_domain,))
        t["demand_department"] = _table(
            "demand_department", "Demande par département", ["Département"],
            count_people(conn, "profile_complete", ("departement",), since, until), (_department,))
        t["demand_age"] = _table("demand_age", "Demande par tranche d'âge", ["Âge"],
                                 count_people(conn, "profile_complete", ("age_band",), since, until),
                                 (lambda v: f"{v} ans" if v else UNKNOWN,))
        unmet = count_people(conn, "no_strict_match", ("domaine", "departement", "detail"), since, until)
        t["unmet"] = _table("unmet", "Demande non satisfaite : profils sans formation exactement adaptée",
                            ["Domaine", "Département", "Critère assoupli"], unmet,
                            (_domain, _department, lambda v: CONSTRAINT_LABELS.get(v, v or UNKNOWN)),
                            note="Une personne compte pour chaque critère qu'il a fallu assouplir.")
        t["unmet_constraint"] = _table(
            "unmet_constraint", "Critères qu'il a fallu assouplir", ["Critère assoupli"],
            count_people(conn, "no_strict_match", ("detail",), since, until),
            (lambda v: CONSTRAINT_LABELS.get(v, v or UNKNOWN),))
        titles = _course_titles(conn)
        t["top_shown"] = _ranking("top_shown", "Formations les plus proposées",
                                  count_people(conn, "recommendations_shown", ("course_id",), since, until), titles)
        t["top_followed"] = _ranking("top_followed", "Formations dont le lien est le plus suivi",
                                     count_people(conn, "link_followed", ("course_id",), since, until), titles)
        t["handoffs"] = _table("handoffs", "Passages vers un conseiller", ["Type"],
                               count_people(conn, "handoff", ("detail",), since, until),
                               (lambda v: HANDOFF_LABELS.get(v, v or UNKNOWN),))
    report.quality = catalogue_quality(engine, today)
    return report


# -- catalogue quality -----------------------------------------------------------------------

def catalogue_quality(engine: Engine, today: Optional[dt.date] = None) -> list[QualityCheck]:
    from bot.catalogue.models import Action, Formation, Session, has_open_session

    today = today or dt.date.today()
    last = func.coalesce(Session.fin, Session.debut)
    permanent = func.sum(case((Session.entrees_permanentes, 1), else_=0))
    undated = func.sum(case((last.is_(None), 1), else_=0))
    # What matching would show (one definition, bot.catalogue.models.session_is_open).
    open_session = has_open_session(Action.id, today)
    with engine.connect() as conn:
        past = conn.execute(
            select(Action.id, Formation.intitule, func.max(last))
            .join(Formation, Formation.id == Action.formation_id).join(Session, Session.action_id == Action.id)
            .group_by(Action.id, Formation.intitule)
            .having(and_(permanent == 0, undated == 0, func.max(last) < today))
            .order_by(Action.id)).all()
        no_url = conn.execute(
            select(Action.id, Formation.intitule).join(Formation, Formation.id == Action.formation_id)
            .where(or_(Action.url.is_(None), Action.url == ""), or_(Formation.url.is_(None), Formation.url == ""))
            .order_by(Action.id)).all()
        no_hours = conn.execute(
            select(Action.id, Formation.intitule).join(Formation, Formation.id == Action.formation_id)
            .where(Action.heures_semaine.is_(None)).order_by(Action.id)).all()
        youth = dict(conn.execute(
            select(Action.domaine, func.count(Action.id))
            .where(or_(Action.age_min.is_(None), Action.age_min < YOUTH_AGE_LIMIT), open_session)
            .group_by(Action.domaine)).all())

    def when(value) -> str:
        from bot.french import french_date

        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return french_date(value) if value else "date inconnue"

    return [
        QualityCheck("past", "Actions dont la dernière session est passée",
                     [(r[0], f"{r[1]} (dernière session : {when(r[2])})") for r in past]),
        QualityCheck("no_url", "Actions sans adresse web (ni l'action ni la formation)",
                     [(r[0], r[1]) for r in no_url]),
        QualityCheck("no_hours", "Actions sans nombre d'heures par semaine", [(r[0], r[1]) for r in no_hours]),
        QualityCheck("few_youth", f"Domaines avec moins de {MIN_ACTIONS_UNDER_26} actions ouvertes aux moins de {YOUTH_AGE_LIMIT} ans",
                     [(d, f"{DOMAIN_LABELS[d]} : {youth.get(d, 0)} action(s)") for d in COURSE_DOMAINS
                      if youth.get(d, 0) < MIN_ACTIONS_UNDER_26]),
    ]


# -- rendering: CSV ----------------------------------------------------------------------------

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
    import html

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
    from bot.french import french_date

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
    from pathlib import Path

    static = Path(__file__).resolve().parent / "gateway" / "static"
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


# -- command line ------------------------------------------------------------------------------

def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date '{value}' invalide : écrivez AAAA-MM-JJ, par exemple 2026-01-01")


def _engine(url: Optional[str]) -> Engine:
    from bot.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine(url))


def main(argv: Optional[Iterable[str]] = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["aggregate"]:
        from bot.analytics import aggregate
        from bot.privacy import parse_duration

        parser = argparse.ArgumentParser(prog="python -m bot.report aggregate",
                                         description="Agréger les événements bruts des jours passés")
        parser.add_argument("--older-than", default="1d", help="ex. 1d (défaut), 12h")
        parser.add_argument("--database-url", default=None)
        args = parser.parse_args(args_list[1:])
        try:
            older_than = parse_duration(args.older_than)
        except ValueError as exc:
            print(f"erreur : {exc}", file=sys.stderr)
            return 2
        done = aggregate(_engine(args.database_url), older_than=older_than)
        print(f"événements agrégés : {done['events']} ({done['cells']} cases)")
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bot.report", description="Rapport pour la Région",
        epilog="Chaque nuit, python -m bot.report aggregate [--older-than 1d] regroupe les jours passés.")
    parser.add_argument("--since", type=_date, required=True, help="premier jour, AAAA-MM-JJ")
    parser.add_argument("--until", type=_date, default=None, help="dernier jour inclus (défaut : aujourd'hui)")
    parser.add_argument("--out", default=None, help="fichier HTML autonome")
    parser.add_argument("--csv", default=None, help="fichier CSV")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(args_list)
    if not args.out and not args.csv:
        parser.error("indiquez --out rapport.html et/ou --csv rapport.csv")
    if args.until and args.until < args.since:
        print(f"erreur : la période est à l'envers : --since {args.since.isoformat()} vient après "
              f"--until {args.until.isoformat()}. Donnez d'abord le premier jour, puis le dernier.",
              file=sys.stderr)
        return 2
    until = args.until + dt.timedelta(days=1) if args.until else None
    report = compute_report(_engine(args.database_url), args.since, until)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(standalone_html(report))
        print(f"rapport écrit : {args.out}")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as handle:
            handle.write(to_csv(report))
        print(f"CSV écrit : {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
