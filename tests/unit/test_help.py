"""The user guide: every page loads, every measure is defined, search ignores accents."""

from __future__ import annotations

import json

from hospiperf_desktop.activity.catalog import shipped_catalog
from hospiperf_desktop.help import page_for_section, search, shipped_pages
from hospiperf_desktop.paths import resource_path

SECTIONS = ("establishments", "diagnostics", "stock", "activity", "dashboard", "calculators")


def test_every_page_of_the_index_loads_with_a_title_heading() -> None:
    pages = shipped_pages()
    index = json.loads(resource_path("help", "index.json").read_text(encoding="utf-8"))
    assert [p.id for p in pages] == [e["id"] for e in index["pages"]]
    for page in pages:
        assert page.markdown.startswith("# "), page.id
        assert len(page.markdown) > 300, page.id


def test_every_measure_has_a_definition_and_the_indicator_page_gives_it() -> None:
    catalog = shipped_catalog()
    undefined = [m.id for m in catalog.measures.values() if len(m.definition) < 30]
    assert undefined == []
    indicators = next(p for p in shipped_pages() if p.id == "indicateurs")
    for measure in catalog.measures.values():
        assert measure.label in indicators.markdown
        assert measure.definition in indicators.markdown


def test_each_section_of_the_window_has_its_own_page() -> None:
    pages = shipped_pages()
    opened = {section: page_for_section(pages, section).id for section in SECTIONS}
    assert len(set(opened.values())) == len(SECTIONS)
    assert opened["stock"] == "stocks"
    assert page_for_section(pages, "exports").id == "exports"


def test_search_ignores_accents_and_case_and_needs_every_word() -> None:
    pages = shipped_pages()
    found = [hit.page.id for hit in search(pages, "tresorerie LIBERABLE")]
    assert "stocks" in found
    hit = next(h for h in search(pages, "tresorerie") if h.page.id == "stocks")
    assert hit.excerpt.startswith("Trésorerie libérable : la valeur")  # markup taken out
    assert len(hit.excerpt) <= 160
    assert search(pages, "tresorerie zanzibar") == []
    assert search(pages, "   ") == []
