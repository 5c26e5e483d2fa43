"""Server-side HTML: one layout, and escaping of every value put into it."""
from __future__ import annotations

import html


def escape(value) -> str:
    """Text (or None) as safe HTML text or attribute value."""
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, stylesheet: str = "/static/console.css", script: str | None = None,
         header: str = "") -> str:
    """A complete French page. body and header are HTML built with escape(); title is text."""
    script_tag = f'<script src="{escape(script)}" defer></script>' if script else ""
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – Cap Numérique</title>
<link rel="stylesheet" href="{escape(stylesheet)}">
{script_tag}
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
{header}
<main id="contenu" tabindex="-1">
{body}
</main>
</body>
</html>
"""
