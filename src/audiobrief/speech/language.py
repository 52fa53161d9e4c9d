"""Words the script adds around an article, per language (en, de, es, fr).

The intro and outro templates are used when audiobrief.toml keeps the default
templates; a template set in the file is used for every language.  Unknown
languages fall back to English.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Welcome to {podcast}. Today: {title}.",
        "outro": "That was {title}, from {podcast}. Thanks for listening.",
        "quote": "Quote:",
        "end_quote": "End of quote.",
    },
    "de": {
        "intro": "Willkommen bei {podcast}. Heute: {title}.",
        "outro": "Das war {title}, von {podcast}. Danke fürs Zuhören.",
        "quote": "Zitat:",
        "end_quote": "Zitat Ende.",
    },
    "es": {
        "intro": "Bienvenidos a {podcast}. Hoy: {title}.",
        "outro": "Eso fue {title}, de {podcast}. Gracias por escuchar.",
        "quote": "Cita:",
        "end_quote": "Fin de la cita.",
    },
    "fr": {
        "intro": "Bienvenue dans {podcast}. Aujourd'hui : {title}.",
        "outro": "C'était {title}, par {podcast}. Merci de votre écoute.",
        "quote": "Citation :",
        "end_quote": "Fin de citation.",
    },
}


def phrase(language: str, key: str) -> str:
    """The phrase ``key`` in ``language`` (English when there is none)."""
    return PHRASES.get(language, PHRASES["en"]).get(key) or PHRASES["en"][key]


def language_name(code: str) -> str:
    """"tl" -> "Tagalog" (CLDR's English name through Babel; the code itself when unknown)."""
    try:
        from babel import Locale

        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except Exception:  # noqa: BLE001 - any code babel does not know is named by itself
        return code
