"""The checks before signing as pure functions: a rule pack over the facts of a bundle."""

from __future__ import annotations

import pytest

from hospiperf_desktop.bundles.checks import (
    ActivityFact,
    DiagnosticFact,
    Facts,
    RulePack,
    StockFact,
    counts,
    justify,
    run_checks,
)
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.plausibility import PlausibleRange

CATALOG = PlausibleRange(0, 1000, "catalogue")
PACK = RulePack("p", "1", "Règles", "shipped", ("diagnostics", "stock"), True, True, True)


def _fact(measure: str, value: float, previous: float | None = None, why: str | None = None):
    return ActivityFact(2026, measure, measure.capitalize(), value, CATALOG, previous, why)


def _facts(*activity: ActivityFact) -> Facts:
    return Facts(
        frozenset({"diagnostics", "activity"}),
        frozenset({"diagnostics", "activity"}),
        "2026",
        (DiagnosticFact(1, "Campagne A", True), DiagnosticFact(2, "Campagne B", False)),
        activity,
    )


def test_each_rule_gives_its_results_in_order() -> None:
    results = run_checks(PACK, _facts(_fact("a", 10), _fact("b", 5000), _fact("c", 100, 5)))
    assert [(r.id, r.status) for r in results] == [
        ("module:diagnostics", "ok"),
        ("module:stock", "warning"),
        ("diagnostic:1", "ok"),
        ("diagnostic:2", "warning"),
        ("activity:2026:b", "warning"),  # outside 0 to 1000
        ("activity:2026:c", "warning"),  # 20 times N-1
    ]
    assert "non sélectionné" in results[1].message
    message = results[4].message.replace("\xa0", " ")
    assert message == "B 2026 : 5 000, hors de la plage plausible 0 à 1 000 (catalogue)"
    assert "plus de dix fois l'an N-1 (5)" in results[5].message
    assert counts(results) == {"ok": 2, "warning": 4, "justified": 0}


def test_a_value_justified_at_entry_is_justified_and_all_plausible_is_one_ok() -> None:
    (result,) = [
        r
        for r in run_checks(PACK, _facts(_fact("b", 5000, why="Fusion")))
        if r.rule != "required_module" and r.rule != "diagnostic_validated"
    ]
    assert (result.status, result.justification, result.justified_when) == (
        "justified", "Fusion", "entry"
    )  # fmt: skip
    plausible = run_checks(PACK, _facts(_fact("a", 10)))
    assert [r.id for r in plausible if r.rule == "plausible_value"] == ["activity:2026"]


def test_the_packs_own_range_replaces_the_catalogs_and_rules_can_be_off() -> None:
    pack = RulePack(
        "p", "2", "ARS", "package", (), False, False, False, {"a": PlausibleRange(0, 5, "ARS")}
    )
    results = run_checks(pack, _facts(_fact("a", 10), _fact("b", 5000), _fact("c", 100, 5)))
    assert [(r.id, r.status) for r in results] == [("activity:2026:a", "warning")]


def test_justifying_writes_the_text_and_an_empty_text_takes_it_back() -> None:
    results = run_checks(PACK, _facts())
    done = justify(results, {"module:stock": "  Pas de   stock géré  "})
    stock = next(r for r in done if r.id == "module:stock")
    assert (stock.status, stock.justification, stock.justified_when) == (
        "justified", "Pas de stock géré", "signing"
    )  # fmt: skip
    again = justify(done, {"module:stock": "   "})
    assert next(r for r in again if r.id == "module:stock").status == "warning"
    with pytest.raises(ValidationError) as refused:
        justify(results, {"module:stock": "x" * 1001})
    assert refused.value.issues[0].code == "too_long"


def test_a_confirmed_stock_value_is_justified_at_entry_naming_product_bound_and_place() -> None:
    fact = StockFact(0, "3400930000080", "quantity", 2e6, 0.0, 1e6, "Gants à l'unité", "f.csv")
    facts = Facts(frozenset({"stock"}), frozenset({"stock"}), "2026", stock=(fact,))
    [*_, result] = run_checks(PACK, facts)
    assert (result.id, result.rule, result.status) == (
        "stock:unusual:0",
        "plausible_value",
        "justified",
    )
    assert (result.justification, result.justified_when) == ("Gants à l'unité", "entry")
    assert result.message.replace("\xa0", " ") == (
        "Stock, produit 3400930000080 : quantité 2 000 000, hors de la plage plausible"
        " 0 à 1 000 000 (f.csv)"
    )
