"""The advisers' console: sign-in, course search over the matching engine, recap by code.

  GET       /conseiller             sign-in form, or (signed in) the search and recap forms
  POST      /conseiller/connexion   sign-in (rate-limited, see bot.services.accounts)
  POST      /conseiller/recherche   profile -> ranked courses with reasons (printable)
  POST      /conseiller/recap       code given by the young person -> recap (printable)
  GET, POST /conseiller/logout      sign-out

Pages are rendered server-side; every value goes through escape(). Sessions, cookies and
CSRF tokens: bot.gateway.session.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional

from aiohttp import web

from bot.core.labels import (
    CERTIFICATION_TITLES, COURSE_EQUIPMENT_TITLES, COURSE_MODE_TITLES, CRENEAU_TITLES, DEPARTMENT_TITLES,
    DOMAIN_TITLES, EQUIPMENT_TITLES, HANDICAP_TITLES, LEVEL_TITLES, MODE_TITLES, SITUATION_TITLES,
)
from bot.core.vocab import (
    AGE_RANGE, CERTIFICATIONS, CRENEAUX, DEPARTEMENTS, DOMAIN_SLOT_VALUES, EQUIPEMENTS, LEVELS, MODALITES,
    PROFILE_SLOTS, SITUATIONS, WEEKLY_HOURS_RANGE,
)
from bot.gateway.common import client_address, in_thread, over_limit, same_origin, settings_of
from bot.gateway.pages import escape
from bot.gateway.session import (
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, console_header, console_page, current_session, drop_cookie, login_page,
    require_session, set_cookie, tokens_match,
)
from bot.services import accounts
from bot.services.recap import TooManyAttempts, format_code, lookup_recap, normalise_code

RESULTS_LIMIT = 10


# (slot, label, kind, choices or range)
CHOICE_FIELDS = (
    ("situation", "Situation", SITUATIONS, SITUATION_TITLES),
    ("departement", "Département", DEPARTEMENTS, DEPARTMENT_TITLES),
    ("niveau", "Diplôme le plus haut", LEVELS, LEVEL_TITLES),
    ("domaine", "Domaine souhaité", DOMAIN_SLOT_VALUES, DOMAIN_TITLES),
    ("creneau", "Moment de la journée", CRENEAUX, CRENEAU_TITLES),
    ("equipement", "Équipement", EQUIPEMENTS, EQUIPMENT_TITLES),
    ("modalite", "Modalité", MODALITES, MODE_TITLES),
    ("certification", "Certification souhaitée", CERTIFICATIONS, CERTIFICATION_TITLES),
    ("handicap", "Situation de handicap", ("true", "false"), HANDICAP_TITLES),
)
NUMBER_FIELDS = (
    ("age", "Âge", AGE_RANGE, "ans"),
    ("heures_semaine", "Heures par semaine", WEEKLY_HOURS_RANGE, "h"),
)
FIELD_LABELS = {name: label for name, label, *_ in CHOICE_FIELDS + NUMBER_FIELDS}
FIELD_LABELS["commune"] = "Commune"


# -- sign-in ----------------------------------------------------------------------------------

async def login(request: web.Request) -> web.Response:
    settings = settings_of(request)
    if (refused := await over_limit(request, "login")) is not None:
        return refused  # before reading the form or running scrypt
    form = await request.post()
    email = str(form.get("email", ""))[:255]
    if not same_origin(request) or not tokens_match(form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return login_page(request, "La page a expiré. Réessayez.", status=403, email=email)
    client = accounts.client_key(client_address(request))
    result = await in_thread(accounts.authenticate, settings.engine, email, str(form.get("password", "")),
                             client, settings.now())
    if not result.ok:
        if result.locked_until is not None:
            minutes = max(1, int((result.locked_until - settings.now()).total_seconds() // 60) + 1)
            return login_page(request, f"Trop d'essais de connexion. Réessayez dans {minutes} minutes.",
                               status=429, email=email)
        return login_page(request, "Adresse e-mail ou mot de passe incorrect.", status=401, email=email)
    session = await in_thread(accounts.start_console_session, settings.engine, result.adviser, settings.now(),
                              settings.session_idle_seconds, settings.session_max_seconds)
    response = web.HTTPSeeOther("/conseiller")
    set_cookie(request, response, SESSION_COOKIE, session.token)
    drop_cookie(response, LOGIN_CSRF_COOKIE)
    raise response


async def logout(request: web.Request) -> web.Response:
    """Sign-out. GET works too: the SameSite=Strict cookie is never sent from another site."""
    settings = settings_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if request.method == "POST" and token:
        form = await request.post()
        session, _expired = await current_session(request)
        if session is not None and (not same_origin(request)
                                    or not tokens_match(form.get("csrf"), session.csrf_token)):
            return console_page("<h1>Action refusée</h1><p>La page a expiré. Rechargez-la et réessayez.</p>", status=403)
    if token:
        await in_thread(accounts.close_session, settings.engine, token)
    response = login_page(request, "Vous êtes déconnecté.")
    drop_cookie(response, SESSION_COOKIE)
    return response


# -- pages --------------------------------------------------------------------------------------

def _profile_form(session: accounts.AdviserSession, values: Mapping[str, str]) -> str:
    rows = []
    for name, label, (low, high), unit in NUMBER_FIELDS:
        rows.append(f'<p><label for="f-{name}">{escape(label)} ({escape(unit)})</label>'
                    f'<input id="f-{name}" name="{name}" type="text" inputmode="decimal" '
                    f'value="{escape(values.get(name, ""))}" aria-describedby="h-{name}">'
                    f'<small id="h-{name}">Entre {low} et {high}.</small></p>')
    for name, label, choices, labels in CHOICE_FIELDS:
        options = ['<option value="">Non renseigné</option>']
        for value in choices:
            selected = " selected" if values.get(name) == value else ""
            options.append(f'<option value="{escape(value)}"{selected}>{escape(labels[value])}</option>')
        rows.append(f'<p><label for="f-{name}">{escape(label)}</label>'
                    f'<select id="f-{name}" name="{name}">{"".join(options)}</select></p>')
    return f"""<section aria-labelledby="t-search" class="card no-print">
<h2 id="t-search">Chercher des formations</h2>
<p>Remplissez ce que vous savez de la personne. Les champs vides ne filtrent pas.</p>
<form method="post" action="/conseiller/recherche" class="profile">
  <input type="hidden" name="csrf" value="{escape(session.csrf_token)}">
  <div class="grid">{"".join(rows)}</div>
  <p><button type="submit">Chercher</button></p>
</form>
</section>"""


def _recap_form(session: accounts.AdviserSession, code: str = "") -> str:
    return f"""<section aria-labelledby="t-recap" class="card no-print">
<h2 id="t-recap">Ouvrir un récapitulatif</h2>
<p>La personne vous donne un code de 8 caractères, par exemple K7QM-4TZP.</p>
<form method="post" action="/conseiller/recap">
  <input type="hidden" name="csrf" value="{escape(session.csrf_token)}">
  <p><label for="code">Code du récapitulatif</label>
  <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
         maxlength="20" required value="{escape(code)}"></p>
  <p><button type="submit">Ouvrir</button></p>
</form>
</section>"""


async def home(request: web.Request) -> web.Response:
    session, refusal = await require_session(request)
    if refusal is not None:
        return refusal
    region = ('<p class="no-print"><a href="/conseiller/region">Rapport pour la Région</a></p>'
              if session.adviser.role == "admin" else "")
    body = "<h1>Console des conseillers</h1>" + region + _recap_form(session) + _profile_form(session, {})
    return console_page(body, header=console_header(session))


def parse_profile(form: Mapping[str, Any]) -> tuple[dict, dict, list[str]]:
    """(profile slots, raw values to show again, French problems)."""
    slots, raw, problems = {}, {}, []
    for name, label, (low, high), unit in NUMBER_FIELDS:
        text = str(form.get(name, "")).strip()[:20]
        raw[name] = text
        if not text:
            continue
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = None
        if number is None or not (low <= number <= high):
            problems.append(f"{label} : indiquez un nombre entre {low} et {high}.")
        else:
            slots[name] = number
    for name, label, choices, _labels in CHOICE_FIELDS:
        value = str(form.get(name, ""))[:40]
        if value in choices:
            raw[name] = value
            slots[name] = (value == "true") if name == "handicap" else value
        elif value:
            problems.append(f"{label} : valeur inconnue.")
    return slots, raw, problems


def _hours(value) -> str:
    return f"{float(value):g}".replace(".", ",")


def _start(course: Mapping[str, Any]) -> str:
    from bot.core.replies import start_text

    return start_text(course)


def _safe_url(url: Any) -> Optional[str]:
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def course_html(rank: int, course: Mapping[str, Any]) -> str:
    facts = [("Organisme", course.get("organisme") or "Non précisé"),
             ("Mode", COURSE_MODE_TITLES.get(course.get("modalite"), course.get("modalite") or "Non précisé"))]
    rhythm = []
    if course.get("heures_semaine"):
        rhythm.append(f"{_hours(course['heures_semaine'])} h par semaine")
    if course.get("heures_total"):
        rhythm.append(f"{_hours(course['heures_total'])} h en tout")
    if course.get("creneau") in CRENEAU_TITLES and course.get("creneau") != "indifferent":
        rhythm.append(CRENEAU_TITLES[course["creneau"]].lower())
    facts.append(("Rythme", ", ".join(rhythm) or "Non précisé"))
    facts.append(("Début", _start(course)))
    if course.get("domaine") in DOMAIN_TITLES:
        facts.append(("Domaine", DOMAIN_TITLES[course["domaine"]]))
    if course.get("niveau_entree") in LEVEL_TITLES:
        facts.append(("Niveau d'entrée", LEVEL_TITLES[course["niveau_entree"]]))
    ages = (course.get("age_min"), course.get("age_max"))
    if any(a is not None for a in ages):
        facts.append(("Âge", f"{ages[0] if ages[0] is not None else 'sans minimum'} – "
                             f"{ages[1] if ages[1] is not None else 'sans maximum'}"))
    facts.append(("Matériel", "Ordinateur prêté par l'organisme" if course.get("pret_materiel")
                  else COURSE_EQUIPMENT_TITLES.get(course.get("equipement_requis"), "Non précisé")))
    if course.get("accessible_handicap"):
        facts.append(("Handicap", "Formation adaptée"))
    facts.append(("Certifiante", "Oui" if course.get("certifiante") else "Non"))
    if course.get("cout_stagiaire"):
        facts.append(("Coût", course["cout_stagiaire"]))
    if course.get("contact"):
        facts.append(("Contact", course["contact"]))
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    reasons = course.get("raisons") or []
    reasons_html = ("<h4>Pourquoi</h4><ul>" + "".join(f"<li>{escape(r)}</li>" for r in reasons) + "</ul>"
                    if reasons else "")
    url = _safe_url(course.get("url"))
    link = (f'<p><a href="{escape(url)}" rel="noopener noreferrer" target="_blank">Fiche de la formation'
            f'<span class="visually-hidden"> (nouvelle fenêtre)</span></a> <span class="url">{escape(url)}</span></p>'
            if url else "")
    return (f'<li class="course"><article><h3>{rank}. {escape(course.get("titre") or "Formation")}</h3>'
            f'<dl>{facts_html}</dl>{reasons_html}{link}'
            f'<p class="ref">Référence : {escape(course.get("id"))}</p></article></li>')


def _print_button() -> str:
    return '<p class="no-print"><button type="button" id="print" class="secondary">Imprimer</button></p>'


async def search(request: web.Request) -> web.Response:
    form = await request.post()
    session, refusal = await require_session(request, form)
    if refusal is not None:
        return refusal
    slots, raw, problems = parse_profile(form)
    if problems:
        alert = ('<div class="alert" role="alert"><p>Vérifiez le formulaire :</p><ul>'
                 + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul></div>")
        return console_page("<h1>Console des conseillers</h1>" + alert + _profile_form(session, raw),
                     status=400, header=console_header(session))
    from bot.services.search import Profile

    settings = settings_of(request)
    result = await in_thread(settings.matching.recommend, Profile.from_slots(slots), RESULTS_LIMIT)
    summary = "".join(f"<li>{escape(FIELD_LABELS[name])} : {escape(_value_label(name, value))}</li>"
                      for name, value in slots.items())
    parts = ['<section aria-labelledby="t-results" class="results">',
             '<h2 id="t-results">Formations proposées</h2>',
             f'<p>Profil : </p><ul class="summary">{summary or "<li>Aucun critère</li>"}</ul>']
    if not result.courses:
        parts.append('<p role="status">Aucune formation ne correspond à ce profil pour le moment.</p>')
    else:
        sentence = result.relaxation_sentence()
        if sentence:
            parts.append(f'<p class="notice">{escape(sentence)}</p>')
        parts.append(f'<p role="status">{len(result.courses)} formation(s), les plus adaptées d\'abord.</p>')
        parts.append(_print_button())
        parts.append('<ol class="courses">' + "".join(course_html(i + 1, c) for i, c in enumerate(result.courses))
                     + "</ol>")
    parts.append("</section>")
    body = "<h1>Console des conseillers</h1>" + "".join(parts) + _profile_form(session, raw) + _recap_form(session)
    return console_page(body, header=console_header(session), title="Recherche")


def _value_label(name: str, value: Any) -> str:
    if name == "age":
        return f"{_hours(value)} ans"
    if name == "heures_semaine":
        return f"{_hours(value)} h"
    if name == "handicap":
        return HANDICAP_TITLES["true" if value else "false"]
    if name == "commune":
        return str(value)
    for field_name, _label, _choices, labels in CHOICE_FIELDS:
        if field_name == name:
            return labels.get(value, str(value))
    return str(value)


def _date(value: Optional[dt.datetime]) -> str:
    from bot.core.french import french_date

    return french_date(value.date()) if value else "inconnue"


def _lookup(engine, code: str, client: str, now: dt.datetime):
    """(recap, courses) or raises TooManyAttempts; courses are full details, None when gone."""
    from bot.services.catalogue.db import session_factory
    from bot.services.search import MatchingEngine

    with session_factory(engine)() as db:
        recap = lookup_recap(db, code, client_key=client, now=now)
    if recap is None:
        return None, []
    matching = MatchingEngine(engine)
    try:
        courses = [(course_id, matching.course(course_id)) for course_id in (recap.course_ids or [])]
    finally:
        matching.close()
    return recap, courses


async def recap_view(request: web.Request) -> web.Response:
    form = await request.post()
    session, refusal = await require_session(request, form)
    if refusal is not None:
        return refusal
    code = str(form.get("code", ""))[:20]
    settings = settings_of(request)
    try:
        recap, courses = await in_thread(_lookup, settings.engine, code, f"adviser:{session.adviser.id}",
                                         settings.now())
    except TooManyAttempts:
        return console_page('<h1>Récapitulatif</h1><p class="alert" role="alert">Trop de codes erronés. '
                     'Réessayez dans 15 minutes.</p>' + _recap_form(session), status=429, header=console_header(session))
    if recap is None:
        return console_page('<h1>Récapitulatif</h1><p class="alert" role="alert">Aucun récapitulatif pour ce code. '
                     'Vérifiez le code avec la personne : il expire après 30 jours.</p>' + _recap_form(session, code),
                     status=404, header=console_header(session))
    shown_code = format_code(normalise_code(code))
    profile = recap.profile or {}
    rows = "".join(f"<tr><th scope=\"row\">{escape(FIELD_LABELS.get(k, k))}</th>"
                   f"<td>{escape(_value_label(k, profile[k]))}</td></tr>"
                   for k in PROFILE_SLOTS if profile.get(k) is not None)
    items = []
    for rank, (course_id, course) in enumerate(courses, start=1):
        if course is None:
            items.append(f'<li class="course"><p>{rank}. Cette formation n\'est plus dans le catalogue '
                         f'(code {escape(course_id)}).</p></li>')
        else:
            items.append(course_html(rank, course))
    body = f"""<h1>Récapitulatif {escape(shown_code)}</h1>
<p>Créé le {escape(_date(recap.created_at))}. Valable jusqu'au {escape(_date(recap.expires_at))}.</p>
{_print_button()}
<section aria-labelledby="t-profile" class="card">
<h2 id="t-profile">Profil</h2>
{f'<table class="profile">{rows}</table>' if rows else '<p>Aucune information de profil.</p>'}
</section>
<section aria-labelledby="t-courses" class="card">
<h2 id="t-courses">Formations retenues</h2>
{'<ol class="courses">' + ''.join(items) + '</ol>' if items else '<p>Aucune formation retenue.</p>'}
</section>
{_recap_form(session)}"""
    return console_page(body, header=console_header(session), title=f"Récapitulatif {shown_code}")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/conseiller", home)
    app.router.add_get("/conseiller/", home)
    app.router.add_post("/conseiller/connexion", login)
    app.router.add_post("/conseiller/recherche", search)
    app.router.add_post("/conseiller/recap", recap_view)
    app.router.add_get("/conseiller/logout", logout)
    app.router.add_post("/conseiller/logout", logout)
