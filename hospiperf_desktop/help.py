"""The user guide: French Markdown pages in resources/help/, listed by index.json.

Pure: reads the pages and builds the indicator definitions page from the measure catalog
(resources/activity/measures.json), so that a measure shown on screen and its definition
in the help come from one place. `search` finds words in every page, accents and case
ignored. The window shows the pages (ui/help_window.py); F1 opens the page of a section.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hospiperf_desktop.activity.catalog import MeasureCatalog, shipped_catalog
from hospiperf_desktop.french import without_accents
from hospiperf_desktop.paths import resource_path

UNIT_WORDS = {
    "count": "nombre",
    "percent": "pourcentage (0 à 100)",
    "amount": "montant en euros",
    "signed_amount": "montant en euros, positif ou négatif",
    "days": "nombre de jours",
    "fte": "équivalents temps plein",
}
DIRECTION_WORDS = {
    "higher": "une hausse est une amélioration",
    "lower": "une baisse est une amélioration",
    "neutral": "volume d'activité : ni bon ni mauvais en soi",
}


EXCERPT_LENGTH = 160
# Paragraphs, list items and headings are the passages a search result quotes.
_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*] |\d+\. |#|\|))")
_MARKUP = re.compile(r"^[#>\s]*(?:[-*] |\d+\. )?|[*`_]")


@dataclass(frozen=True)
class HelpPage:
    id: str
    title: str
    markdown: str
    section: str | None  # the window section whose F1 opens this page


@dataclass(frozen=True)
class SearchHit:
    page: HelpPage
    excerpt: str  # the passage of the page that holds the most of the words searched


def measures_page(catalog: MeasureCatalog) -> str:
    """Markdown defining every measure of the catalog, family by family."""
    parts = ["# Définition des indicateurs", ""]
    for family in catalog.families:
        parts += [f"## {family.label}", ""]
        for measure in family.measures:
            unit = UNIT_WORDS.get(measure.unit, measure.unit)
            direction = DIRECTION_WORDS.get(measure.direction, "")
            parts.append(f"**{measure.label}** ({unit} ; {direction}). {measure.definition}")
            parts.append("")
    return "\n".join(parts)


def load_pages(folder: Path, catalog: MeasureCatalog) -> tuple[HelpPage, ...]:
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    pages = []
    for entry in index["pages"]:
        if entry.get("generated") == "measures":
            text = measures_page(catalog)
        else:
            text = (folder / entry["file"]).read_text(encoding="utf-8")
        pages.append(HelpPage(entry["id"], entry["title"], text, entry.get("section")))
    return tuple(pages)


@cache
def shipped_pages() -> tuple[HelpPage, ...]:
    return load_pages(resource_path("help"), shipped_catalog())


def page_for_section(pages: tuple[HelpPage, ...], section: str) -> HelpPage:
    """The page F1 opens in `section`; the first page when none is tied to it."""
    return next((p for p in pages if p.section == section), pages[0])


def search(pages: tuple[HelpPage, ...], query: str) -> list[SearchHit]:
    """Pages holding every word of `query` (accents and case ignored), in guide order."""
    words = without_accents(query).split()
    if not words:
        return []
    hits = []
    for page in pages:
        folded = without_accents(page.markdown + "\n" + page.title)
        if all(word in folded for word in words):
            hits.append(SearchHit(page, _best_line(page, words)))
    return hits


def _best_line(page: HelpPage, words: list[str]) -> str:
    """The passage (a paragraph or a list item, headings last) holding most words searched."""
    best, best_score = page.title, (0, False)
    for block in _BLOCK_BREAK.split(page.markdown):
        text = _MARKUP.sub("", " ".join(block.split())).strip()
        folded = without_accents(text)
        score = (sum(word in folded for word in words), not block.lstrip().startswith("#"))
        if score[0] and score > best_score:
            best, best_score = text, score
    return best if len(best) <= EXCERPT_LENGTH else best[: EXCERPT_LENGTH - 1].rstrip() + "…"
