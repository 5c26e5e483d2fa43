"""The Region's report in the advisers' console (admin role only).

  GET /conseiller/region       the report (inline SVG charts, server-side; ?depuis=&jusqu_au=)
  GET /conseiller/region.csv   the same figures as CSV (same suppression: bot.services.report.protect)

An adviser without the admin role gets a French 403 page. Everything comes from
bot.services.report.compute_report (one computation, one place for k-anonymity).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from aiohttp import web

from bot.gateway.common import in_thread, settings_of
from bot.gateway.pages import escape
from bot.gateway.session import console_header, console_page, require_session
from bot.services import report as region_report

DEFAULT_DAYS = 365
REFUSED = ("<h1>Accès refusé</h1><p>Le rapport pour la Région est réservé aux administrateurs. Vous ne pouvez pas le voir avec ce compte.</p>"
           '<p><a href="/conseiller">Retour à la console</a></p>')


def _date(value: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _period(request: web.Request) -> tuple[dt.date, dt.date]:
    """(since, last day included) from ?depuis=AAAA-MM-JJ&jusqu_au=AAAA-MM-JJ."""
    today = settings_of(request).now().date()
    last = _date(request.query.get("jusqu_au")) or today
    since = _date(request.query.get("depuis")) or last - dt.timedelta(days=DEFAULT_DAYS)
    if since > last:
        since = last
    return since, last


async def _admin(request: web.Request):
    session, refusal = await require_session(request)
    if refusal is not None:
        return None, refusal
    if session.adviser.role != "admin":
        return None, console_page(REFUSED, status=403, header=console_header(session), title="Accès refusé")
    return session, None


def _period_form(since: dt.date, last: dt.date) -> str:
    return f"""<form method="get" action="/conseiller/region" class="period card no-print">
  <p><label for="depuis">Du</label><input id="depuis" name="depuis" type="date" value="{since.isoformat()}"></p>
  <p><label for="jusqu_au">Au</label><input id="jusqu_au" name="jusqu_au" type="date" value="{last.isoformat()}"></p>
  <p><button type="submit">Afficher</button></p>
</form>"""


async def _report_for(request: web.Request):
    """(session, refusal, since, last, report data): the admin check, then the report."""
    session, refusal = await _admin(request)
    if refusal is not None:
        return session, refusal, None, None, None
    since, last = _period(request)
    data = await in_thread(region_report.compute_report, settings_of(request).engine, since,
                           last + dt.timedelta(days=1), last)
    return session, None, since, last, data


async def region_page(request: web.Request) -> web.Response:
    session, refusal, since, last, data = await _report_for(request)
    if refusal is not None:
        return refusal
    csv_href = f"/conseiller/region.csv?depuis={since.isoformat()}&jusqu_au={last.isoformat()}"
    body = ('<link rel="stylesheet" href="/static/report.css">'
            + region_report.report_body(data, csv_href=csv_href, period_form=_period_form(since, last)))
    return console_page(body, header=console_header(session), title="Rapport pour la Région")


async def region_csv(request: web.Request) -> web.Response:
    _, refusal, since, last, data = await _report_for(request)
    if refusal is not None:
        return refusal
    name = f"cap-numerique-region-{since.isoformat()}-{last.isoformat()}.csv"
    return web.Response(body=("\ufeff" + region_report.to_csv(data)).encode("utf-8"),
                        content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{escape(name)}"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/conseiller/region", region_page)
    app.router.add_get("/conseiller/region.csv", region_csv)
