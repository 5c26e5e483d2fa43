"""The Region's report: demand, unmet demand, funnel, courses, catalogue quality.

    python -m bot.tools.report --since 2026-01-01 --out report.html   [--until 2026-07-01] [--database-url URL]
    python -m bot.tools.report --since 2026-01-01 --csv report.csv
    python -m bot.tools.report aggregate [--older-than 1d]            # daily, from cron (bot.services.analytics.aggregate)

`compute_report(engine, since, until)` reads bot.services.analytics' tables (raw events + daily
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

The package: `anonymity` (protect), `figures` (SQL counts, compute_report), `quality`
(catalogue checks), `render` (CSV, SVG, HTML), `cli` (python -m bot.tools.report).
"""
from bot.services.report.anonymity import MASKED, SMALL, Cell, K, protect
from bot.services.report.figures import (
    CONSTRAINT_LABELS, HANDOFF_LABELS, Report, Table, compute_report, count_people, snap_to_months,
)
from bot.services.report.quality import QualityCheck, catalogue_quality
from bot.services.report.render import csv_cell, report_body, standalone_html, to_csv

__all__ = [
    "CONSTRAINT_LABELS", "HANDOFF_LABELS", "K", "MASKED", "SMALL", "Cell", "QualityCheck", "Report", "Table",
    "catalogue_quality", "compute_report", "count_people", "csv_cell", "protect", "report_body", "snap_to_months",
    "standalone_html", "to_csv",
]
