"""The report's figures from SQL: distinct people per cell, over raw events and daily aggregates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from sqlalchemy import distinct, func, select
from sqlalchemy.engine import Connection, Engine

from bot.core.labels import CONSTRAINT_LABELS, DEPARTMENT_TITLES, DOMAIN_LABELS
from bot.services.analytics import analytics_daily, analytics_events
from bot.services.catalogue.models import Action, Formation
from bot.services.report.anonymity import K, protect
from bot.services.report.quality import catalogue_quality

TOP_COURSES = 10

UNKNOWN = "non renseigné"
HANDOFF_LABELS = {"conseiller": "vers un conseiller (lieux proposés)", "code_recap": "code récapitulatif donné"}
FUNNEL = (("conversation_started", "Conversations commencées"),
          ("profile_complete", "Profils complets"),
          ("recommendations_shown", "Formations proposées"),
          ("link_followed", "Lien d'une formation suivi"))


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
class Report:
    since: dt.date
    until: dt.date                  # exclusive
    generated_at: dt.datetime
    tables: dict = field(default_factory=dict)
    quality: list = field(default_factory=list)


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
    return DEPARTMENT_TITLES.get(code, str(code))


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
