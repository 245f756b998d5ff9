"""Regional benchmarks from the consolidation database, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hospiperf_desktop.ars.models import (
    ActivityValueRow,
    CoverageRow,
    DiagnosticScore,
    EstablishmentRow,
    ImportedBundle,
    WorkUnitRow,
)
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.library.benchmarks import (
    MIN_CONTRIBUTORS,
    OVERSEAS,
    dashboard_metric,
    diagnostic_metric,
    find,
    position,
    quartiles,
    stock_metric,
    work_unit_metric,
)

WHEN = datetime(2026, 3, 1, 9, 0)


def _finess(n: int, overseas: bool = False) -> str:
    return f"{'97' if overseas else '75'}{n:07d}"


def _add_establishment(session: Session, n: int, kind: str, value: float, overseas: bool) -> None:
    finess = _finess(n, overseas)
    session.add(
        EstablishmentRow(
            finess=finess, name=f"E{n}", kind=kind, region=None, beds=100, last_bundle_at=WHEN
        )
    )
    bundle = ImportedBundle(
        uuid=f"00000000-0000-4000-8000-{n:012d}",
        finess=finess,
        name=f"E{n}",
        period="2026",
        created=WHEN,
        software_version="t",
        fingerprint="0" * 64,
        file_name="b.zip",
        file_sha256="0" * 64,
        size=1,
        imported_at=WHEN,
        imported_by="t",
    )
    session.add(bundle)
    session.flush()
    axes = [{"id": "gouvernance", "label": "Gouvernance", "score": value}]
    session.add(
        DiagnosticScore(
            bundle_id=bundle.id,
            finess=finess,
            template_id="circuit",
            template_title="Circuit",
            label="d",
            status="validated",
            score=value,
            completion=100.0,
            axes=json.dumps(axes),
        )
    )
    session.add(
        WorkUnitRow(
            bundle_id=bundle.id,
            finess=finess,
            year=2026,
            table_id="pui",
            table_version="1",
            total=value * 10,
            per_fte=value * 2,
            per_bed=value / 10,
        )
    )
    session.add(
        CoverageRow(
            bundle_id=bundle.id,
            finess=finess,
            at="2026-02-28",
            category="medicaments",
            location="total",
            stock_value=1000.0,
            coverage_weeks=value / 10,
            target_weeks=4.0,
        )
    )
    session.add(
        ActivityValueRow(
            bundle_id=bundle.id, finess=finess, year=2026, measure="lignes_dispensees", value=value
        )
    )


def _fill(url: str) -> dict[str, list[float]]:
    """50 EHPAD (3 of them overseas) and 4 HAD."""
    Consolidation(url).close()  # creates the schema
    engine = create_engine(url)
    values: dict[str, list[float]] = {"ehpad": [], "had": []}
    with Session(engine) as session, session.begin():
        for n in range(1, 51):
            value = float(20 + n)
            _add_establishment(session, n, "ehpad", value, overseas=n <= 3)
            values["ehpad"].append(value)
        for n in range(51, 55):
            _add_establishment(session, n, "had", float(n), overseas=False)
            values["had"].append(float(n))
    engine.dispose()
    return values


def test_benchmarks_show_quartiles_of_50_and_leave_out_a_category_of_4(
    consolidation_url: str,
) -> None:
    values = _fill(consolidation_url)
    consolidation = Consolidation(consolidation_url)
    try:
        items = consolidation.benchmarks()
    finally:
        consolidation.close()
    expected = quartiles(sorted(values["ehpad"]))
    for metric in (diagnostic_metric("circuit"), diagnostic_metric("circuit", "gouvernance")):
        found = find(items, metric, "ehpad", 2026)
        assert found is not None
        assert (found.count, found.q1, found.median, found.q3) == (50, *expected)
    assert find(items, work_unit_metric("pui", "per_fte"), "ehpad", 2026).median == round(  # type: ignore[union-attr]
        expected[1] * 2, 4
    )
    assert find(items, stock_metric("medicaments", "total"), "ehpad", 2026) is not None
    assert find(items, dashboard_metric("lignes_dispensees"), "ehpad", 2026) is not None
    assert not [d for d in items if d.category == "had"]  # 4 HAD: too few to show
    assert not [d for d in items if d.category == OVERSEAS]  # 3 overseas: too few
    assert all(d.count >= MIN_CONTRIBUTORS for d in items)
    mine = position(items, diagnostic_metric("circuit"), "ehpad", 50.0, 2026)
    assert mine is not None and mine.quartile == 3
    assert mine.text == "3ᵉ quartile régional des EHPAD, 50 établissements, données 2026"
