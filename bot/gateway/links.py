"""Links followed: /go/<course_id>?s=<opaque> records `link_followed` and redirects.

- The target is always the catalogue's URL of that course (bot.services.search's course details),
  never a value from the request: no open redirect. Unknown course or no http(s) URL: 404.
- `s` is bot.services.analytics.link_token(sender, course_id): a keyed hash of the sender (never the
  sender id) and a tag binding it to the course. Without a valid token the person is still
  redirected, but nothing is counted (so nobody can inflate the counts with forged links).
- The chat API adds `lien` ("/go/...") to every course of a `recommendations` payload
  (`add_tracked_links`); the chat page uses it for its "Voir la formation" link. Messaging
  channels keep the direct links.
"""
from __future__ import annotations

import logging
from typing import Optional
from urllib.parse import quote

from aiohttp import web

from bot.gateway.common import in_thread, settings_of
from bot.services import analytics

log = logging.getLogger(__name__)


def tracked_link(sender: str, course_id: str) -> str:
    return f"/go/{quote(str(course_id), safe='')}?s={analytics.link_token(sender, str(course_id))}"


def add_tracked_links(messages: list, sender: str) -> list:
    """Adds `lien` to each course of the recommendations payloads (in place); returns messages."""
    for message in messages:
        custom = message.get("custom") if isinstance(message, dict) else None
        if not isinstance(custom, dict) or custom.get("type") != "recommendations":
            continue
        for course in custom.get("courses") or []:
            if isinstance(course, dict) and isinstance(course.get("id"), str) and course["id"] \
                    and _safe_url(course.get("url")):
                course["lien"] = tracked_link(sender, course["id"])
    return messages


def _safe_url(url) -> Optional[str]:
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


async def go(request: web.Request) -> web.StreamResponse:
    settings = settings_of(request)
    course_id = request.match_info["course_id"][:100]
    course = await in_thread(settings.matching.course, course_id)
    url = _safe_url(course.get("url")) if course else None
    if url is None:
        raise web.HTTPNotFound()
    contributor = analytics.contributor_from_token(request.query.get("s"), course_id)
    if contributor is not None:
        await in_thread(analytics.record_for_contributor, "link_followed", contributor,
                        course_ids=[course_id], engine=settings.engine)
    raise web.HTTPFound(url, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/go/{course_id}", go)
