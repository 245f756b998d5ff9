"""Indicators, reorder and the shortage log on a small data set computed by hand.

Establishment: 100 beds. Count of 01/10/2025:
    A (médicament)  PUI 100 × 2 € = 200 €, expired 15/09/2025;  UF Cardio 10 × 2 € = 20 €
    B (soluté)      PUI  50 × 4 € = 200 €, expires 15/11/2025 (within 90 days)
Movements: A, 26 out to UF Cardio each week from 02/07/2025 (13 weeks: the whole window
before 01/10/2025), plus 500 out on 01/06/2025 (outside the window). B never moves.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist

import pytest
from integration_support import make_input

from hospiperf_desktop.errors import NotFoundError, ValidationError
from hospiperf_desktop.services import Services
from hospiperf_desktop.stock.catalog import ShortageInput
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions, OnOverlap

AT = date(2025, 10, 1)


@pytest.fixture
def establishment_id(services: Services, tmp_path: Path) -> int:
    establishment = services.establishments.add(make_input(1, beds=100))
    snapshot = tmp_path / "stock.csv"
    snapshot.write_text(
        "Code;Libellé;Catégorie;Emplacement;Qté;PU;Péremption\n"
        "A;Amoxicilline;Médicament;PUI;100;2;15/09/2025\n"
        "A;Amoxicilline;Médicament;UF Cardio;10;2;\n"
        "B;Glucose 5 %;Soluté;Pharmacie;50;4;15/11/2025\n",
        encoding="utf-8",
    )
    lines = ["Date;Code;Sortie;PU;UF", "01/06/2025;A;500;2;UF Cardio"]
    lines += [
        f"{date(2025, 7, 2) + timedelta(weeks=k):%d/%m/%Y};A;26;2;UF Cardio" for k in range(13)
    ]
    movements = tmp_path / "mouvements.csv"
    movements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imports = services.stock.imports
    for path, kind, options in (
        (snapshot, ImportKind.SNAPSHOT, ImportOptions(snapshot_date=AT)),
        (movements, ImportKind.MOVEMENTS, ImportOptions()),
    ):
        imports.run(establishment.id, path, imports.preview(path, kind).mapping, options)
    return establishment.id


def test_coverage_against_targets(services: Services, establishment_id: int) -> None:
    result = services.stock.analysis.indicators(establishment_id)
    assert result.at == AT  # the latest count by default
    assert result.window_start == date(2025, 7, 2)
    rows = {(r.category, r.location): r for r in result.coverage}
    assert set(rows) == {("medicament", "central"), ("medicament", "care_unit"),
                         ("solute", "central")}  # fmt: skip
    central = rows[("medicament", "central")]
    # 13 × 26 × 2 € = 676 € over 13 weeks → 52 € a week; 200 € / 52 = 3.85 weeks
    assert central.stock_value == 200
    assert central.weekly_consumption_value == pytest.approx(52)
    assert central.coverage_weeks == pytest.approx(200 / 52)
    assert (central.target_weeks, central.benchmark_weeks) == (4, 6.65)
    assert central.rotation_per_year == pytest.approx(52 * 52 / 200)
    assert central.cash_freed == 0
    ward = rows[("medicament", "care_unit")]
    assert ward.coverage_weeks == pytest.approx(20 / 52)
    assert (ward.target_weeks, ward.benchmark_weeks) == (2, None)
    solute = rows[("solute", "central")]
    # Nothing consumed: no coverage, and the whole stock is above target.
    assert solute.coverage_weeks is None and solute.cash_freed is None
    assert solute.benchmark_weeks == 8.97
    totals = {r.location: r for r in result.totals}
    assert totals["central"].stock_value == 400
    assert totals["central"].cash_freed == pytest.approx(400 - 4 * 52)
    assert result.movement_count == 13


def test_dormant_expiring_and_per_bed(services: Services, establishment_id: int) -> None:
    # Movements start on 01/06/2025: whether anything slept for 6 months cannot be told.
    unknown = services.stock.analysis.indicators(establishment_id)
    assert unknown.dormant_value == 0 and "dormant_unknown" in unknown.warnings
    result = services.stock.analysis.indicators(establishment_id, dormant_months=3)
    assert result.dormant_value == 200 and [i.code for i in result.dormant] == ["B"]
    assert result.expired_value == 200 and result.expiring_value == 200
    assert [(i.code, i.expiry_date) for i in result.expiring] == [
        ("A", date(2025, 9, 15)), ("B", date(2025, 11, 15)),
    ]  # fmt: skip
    (pui,) = result.per_bed  # the PUI's own stock, care units left out
    assert (pui.scope, pui.stock_value, pui.beds, pui.value_per_bed, pui.benchmark) == (
        "pui", 400, 100, 4.0, 918.02,
    )  # fmt: skip
    # With a 30-day horizon, B no longer expires soon; 2 months of dormancy changes nothing.
    short = services.stock.analysis.indicators(establishment_id, expiring_days=30, dormant_months=2)
    assert short.expiring_value == 0 and short.dormant_value == 200


def test_an_earlier_date_sees_no_count(services: Services, establishment_id: int) -> None:
    result = services.stock.analysis.indicators(establishment_id, date(2025, 9, 1))
    assert result.coverage[0].stock_value == 0
    assert "no_snapshot" in result.warnings


def test_reorder_point_and_order_by_hand(services: Services, establishment_id: int) -> None:
    report = services.stock.analysis.reorder(establishment_id, service_level=0.95)
    lines = {line.code: line for line in report.lines}
    a = lines["A"]
    # 26 a week every week: σ = 0. No supplier known: default profile 5 ± 2 days.
    z = NormalDist().inv_cdf(0.95)
    safety = z * math.sqrt(5 / 7 * 0 + 26**2 * (2 / 7) ** 2)
    assert (a.mean_weekly, a.sd_weekly, a.lead_days) == (26, 0, 5)
    assert a.safety_stock == pytest.approx(safety)
    assert a.reorder_point == pytest.approx(26 * 5 / 7 + safety)
    assert a.on_hand == 100  # the central store only
    assert a.order_quantity == 0 and not a.at_risk
    assert a.days_left == pytest.approx(100 / 26 * 7)
    # A is all the consumption (class A); B none (class C).
    assert (a.abc_class, lines["B"].abc_class) == ("A", "C")
    # No substitute is known until the pharmacist says so (new products default to none).
    assert a.criticality_reasons == ("no_substitute", "class_a")


def test_a_long_sea_lead_time_puts_a_product_at_risk(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    receipt = tmp_path / "reception.csv"
    receipt.write_text("Date;Code;Entrée;PU;Fournisseur\n03/09/2025;A;10;2;Fret maritime\n")
    imports = services.stock.imports
    # Receipts come in a file of their own, beside the deliveries of the same days.
    imports.run(
        establishment_id,
        receipt,
        imports.preview(receipt, ImportKind.MOVEMENTS).mapping,
        ImportOptions(on_overlap=OnOverlap.APPEND),
    )
    catalog = services.stock.catalog
    (supplier,) = catalog.suppliers(establishment_id)
    updated = catalog.update_supplier(supplier.id, profile="mainland_sea")
    assert (updated.lead_time_days, updated.overridden, updated.product_count) == (42, False, 1)
    a = next(line for line in services.stock.analysis.reorder(establishment_id).lines
             if line.code == "A")  # fmt: skip
    # 100 units at 26 a week last 26.9 days: less than 42 days of sea freight.
    assert a.at_risk and a.lead_days == 42
    # Single supplier, no substitute known, class A, lead time ≥ 30 days: 2 + 2 + 2 + 2
    assert a.criticality_score == 8
    assert a.order_quantity == math.ceil(a.reorder_point + 26 * 2 - 100)
    overridden = catalog.update_supplier(supplier.id, profile="mainland_sea", lead_time_days=3)
    assert overridden.overridden and overridden.lead_time_days == 3
    with pytest.raises(ValidationError):
        catalog.update_supplier(supplier.id, profile="teleportation")


def test_product_edits_and_history(services: Services, establishment_id: int) -> None:
    catalog = services.stock.catalog
    a = catalog.product_by_code(establishment_id, "A")
    changed = catalog.update_product(a.id, mitm=True, has_substitute=False)
    assert changed.mitm and not changed.has_substitute
    history = catalog.history(a.id)
    assert [(m.month, m.quantity_out) for m in history.months] == [
        ("2025-06", 500), ("2025-07", 130), ("2025-08", 104), ("2025-09", 104),
    ]  # fmt: skip
    assert [(s.location, s.quantity) for s in history.stock] == [("PUI", 100), ("UF Cardio", 10)]
    with pytest.raises(ValidationError):
        catalog.update_product(a.id, category="bonbons")


def test_the_shortage_log_counts_supplier_changes(
    services: Services, establishment_id: int
) -> None:
    catalog = services.stock.catalog
    a = catalog.product_by_code(establishment_id, "A")
    first = catalog.record_shortage(
        establishment_id,
        ShortageInput(a.id, date(2025, 3, 1), date(2025, 4, 1), cause="Rupture fabricant",
                      substitute="Amoxicilline générique", supplier_changed=True),
    )  # fmt: skip
    catalog.record_shortage(establishment_id, ShortageInput(a.id, date(2025, 6, 1)))
    catalog.record_shortage(
        establishment_id, ShortageInput(a.id, date(2024, 12, 1), supplier_changed=True)
    )
    assert catalog.supplier_change_count(establishment_id, 2025) == 1
    assert len(catalog.shortages(establishment_id, 2025)) == 2
    catalog.update_shortage(first.id, ShortageInput(a.id, date(2025, 3, 1), supplier_changed=False))
    assert catalog.supplier_change_count(establishment_id, 2025) == 0
    catalog.delete_shortage(first.id)
    assert len(catalog.shortages(establishment_id)) == 2
    assert [s.started_on for s in catalog.history(a.id).shortages] == [
        date(2025, 6, 1), date(2024, 12, 1),
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        catalog.record_shortage(
            establishment_id, ShortageInput(a.id, date(2025, 3, 1), date(2025, 2, 1))
        )
    with pytest.raises(NotFoundError):
        catalog.delete_shortage(first.id)


def test_a_short_history_is_averaged_over_the_weeks_it_covers(
    services: Services, tmp_path: Path
) -> None:
    """40 units counted on 31/12/2025; 10 delivered a day from 17/12 to 30/12 (14 days)."""
    establishment = services.establishments.add(make_input(2))
    imports = services.stock.imports
    count = tmp_path / "c.csv"
    count.write_text("Code;Qté;PU;Date\nA;40;1;31/12/2025\n", encoding="utf-8")
    moves = tmp_path / "m.csv"
    days = [date(2025, 12, 17) + timedelta(days=d) for d in range(14)]
    moves.write_text(
        "Date;Code;Sortie;PU\n" + "".join(f"{d:%d/%m/%Y};A;10;1\n" for d in days),
        encoding="utf-8",
    )
    for path, kind in ((count, ImportKind.SNAPSHOT), (moves, ImportKind.MOVEMENTS)):
        imports.run(establishment.id, path, imports.preview(path, kind).mapping)
    result = services.stock.analysis.indicators(establishment.id)
    assert result.consumption_weeks == 2 and "short_history" in result.warnings
    (central,) = result.coverage
    assert central.weekly_consumption_value == 70
    assert central.coverage_weeks == pytest.approx(40 / 70)
    (line,) = services.stock.analysis.reorder(establishment.id).lines
    assert (line.mean_weekly, line.sd_weekly) == (70, 0)
    assert line.days_left == pytest.approx(4) and line.at_risk  # lead time 5 days
