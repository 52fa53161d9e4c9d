"""The general reader rules found by the unseen-page spot check (session 7), each with a case it
must not catch. The pages themselves are golden files in tests/fixtures/golden/."""

from __future__ import annotations

import pytest

from audiobrief.readers import noise, shapes
from audiobrief.readers.markdown import parse_markdown


RULES = {"consent banner": noise.is_cookie_notice, "breadcrumb": noise.is_breadcrumb,
         "caption with its credit": shapes.ends_with_picture_credit}
CASES = [
    # a consent banner is known by its buttons, in any language
    ("consent banner", "Utilizamos cookies propias para mejorar el servicio. Si continúa navegando, acepta su uso. "
                       "Aceptar Configurar", True),
    ("consent banner", "Wir nutzen Cookies für Statistik und Werbung. Alle akzeptieren Einstellungen", True),
    ("consent banner", "We use cookies to remember your choices. Accept Manage settings", True),
    # an article's own sentences about cookies end like sentences, with no buttons after them
    ("consent banner", "Las galletas de la abuela, que ella llamaba cookies, se vendían en la feria cada domingo.", False),
    ("consent banner", "Der Browser löscht Cookies nach jeder Sitzung, sagt die Datenschützerin. Sie hält das für richtig.",
     False),
    # a section and its subsection
    ("breadcrumb", "Actualidad / Medio ambiente", True),
    ("breadcrumb", "Lokales / Verkehr", True),
    ("breadcrumb", "Vorher / nachher", False),  # a phrase, not two section names
    ("breadcrumb", "Saison 2025 / 2026", False),
    ("breadcrumb", "Titel | Kreisbote", False),
    # a caption that ends with its credit, in the page's language
    ("caption with its credit", "Uno de los depósitos junto al centro cultural. Foto: El Eco de la Vega", True),
    ("caption with its credit", "Der Bus an der Haltestelle im Dorf. Bild: Kreisbote Oberland", True),
    ("caption with its credit", "Le four du fournil, rallumé en janvier. Photo : Élodie Marchand", True),
    ("caption with its credit", "La foto de la clase se hizo en mayo. Después todos volvieron a casa.", False),
]


@pytest.mark.parametrize("rule, line, expected", CASES, ids=[f"{r}:{line[:30]}" for r, line, _ in CASES])
def test_line_rules(rule, line, expected):
    assert RULES[rule](line) is expected


def test_markdown_drops_share_and_byline_lines_under_the_title_and_a_closing_link_box():
    article = parse_markdown(
        "# Le marché couvert rouvre\n\nPar Anne Roux — publié le 2 mars 2026\n\n"
        "[Partager sur Facebook](#) · [Partager sur X](#)\n\n"
        "Après deux ans de travaux, le marché couvert de la ville rouvre ses portes ce samedi matin.\n\n"
        "## Les commerçants reviennent\n\nLa plupart des anciens commerçants ont retrouvé leur place.\n\n"
        "### À lire aussi\n\n- [La gare change d'horaires](/a)\n- [Un nouveau parc](/b)\n\n"
        "Recevez notre lettre chaque vendredi dans votre boîte mail, gratuitement et sans publicité.\n", "m.md")
    spoken = [p for s in article.sections for p in s.paragraphs]
    assert spoken[0].startswith("Après deux ans") and spoken[-1].startswith("La plupart")
    assert [s.heading for s in article.sections] == [None, "Les commerçants reviennent"]
    reasons = dict(zip(article.dropped, article.reasons))
    assert reasons["Partager sur Facebook · Partager sur X"].startswith("under the title")


def test_a_link_box_inside_the_article_does_not_end_it():
    article = parse_markdown(
        "# Le marché couvert rouvre\n\nAprès deux ans de travaux, le marché couvert rouvre ses portes ce samedi.\n\n"
        "### À lire aussi\n\n- [La gare change d'horaires](/a)\n\n"
        "## Les commerçants reviennent\n\nLa plupart des anciens commerçants ont retrouvé leur place au marché.\n",
        "m.md")
    assert "Les commerçants reviennent" in [s.heading for s in article.sections]
