"""Languages of the pages: Bahasa Indonesia by default, English on request (Flask-Babel).

The locale is chosen, in order, from `?lang=`, the `lang` cookie the language switch sets, the browser's
Accept-Language, and finally the default (`id`). Every string a person reads is written in English in the
code and templates (`gettext`, `_()` in Jinja) and translated in `app/translations/<locale>/`; see the
README's "Languages" section for the catalog commands.
"""

from __future__ import annotations

from flask import Blueprint, Flask, has_request_context, redirect, request
from flask_babel import Babel, get_locale

from app.safe_redirect import safe_local_path

SUPPORTED_LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
LOCALE_COOKIE = "lang"
LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The locale of this request: ?lang=, then the cookie, then Accept-Language, then Indonesian."""
    if not has_request_context():  # CLI commands (e.g. `report quarterly`) write in the default language
        return DEFAULT_LOCALE
    for candidate in (request.args.get("lang"), request.cookies.get(LOCALE_COOKIE)):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE


@bp.get("/language/<code>")
def switch_language(code: str):
    """Remember the chosen language in a cookie and go back to the page the switch was clicked on."""
    back = safe_local_path(request.args.get("next")) or "/"
    response = redirect(back)
    if code in SUPPORTED_LOCALES:
        response.set_cookie(LOCALE_COOKIE, code, max_age=LOCALE_COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def _language_context() -> dict:
    """Template variables: the current locale and the other languages to switch to."""
    current = str(get_locale() or DEFAULT_LOCALE)
    return {
        "current_locale": current,
        "other_locales": [code for code in SUPPORTED_LOCALES if code != current],
    }


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with the locale selector, the language switch and the template variables."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta")
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.context_processor(_language_context)
