"""The ARS import against signed but malformed bundles, bad keys and rival imports.

Every bundle here is correctly signed by the establishment's trusted key: what is wrong is
inside. Each must be refused with a short reason naming the file and the place, write
nothing, and leave the other bundles of its batch to be imported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bundle_support import make_bundle, resign
from integration_support import Cli, make_finess, make_input, raw_rows
from sqlalchemy import create_engine, delete, func, insert, select, update
from test_ars import _Clock, _counts, _keys

from hospiperf_desktop.ars.models import (
    ARS_SCHEMA_VERSION,
    ArsSchema,
    AuditAnchor,
    BundleModule,
    ImportedBundle,
    WorkUnitRow,
)
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles import service as bundle_service
from hospiperf_desktop.bundles.keys import KeyFileError, PublicKey, read_public_key
from hospiperf_desktop.errors import DatabaseError, ValidationError
from hospiperf_desktop.services import Services

WORK_UNITS = "data/activity/work-units-2026.json"


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> type[_Clock]:
    monkeypatch.setattr(bundle_service, "datetime", _Clock)
    return _Clock


def _json_edit(name: str, change: Callable[[Any], Any]) -> Callable[[dict[str, bytes]], Any]:
    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        files[name] = json.dumps(change(json.loads(files[name]))).encode()
        return files

    return edit


def _set(name: str, content: bytes) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        files[name] = content
        return files

    return edit


def _rename(old: str, new: str) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        files[new] = files.pop(old)
        return files

    return edit


def _label(label: str, value: str) -> Callable[[dict[str, str]], dict[str, str]]:
    def edit(info: dict[str, str]) -> dict[str, str]:
        info[label] = value
        return info

    return edit


def _first(key: str, value: Any) -> Callable[[Any], Any]:
    def change(document: Any) -> Any:
        if value is _DROP:
            del document[0][key]
        else:
            document[0][key] = value
        return document

    return change


_DROP = object()
_DIAGNOSTIC = {
    "template_id": "sterilisation",
    "template_title": "Stérilisation",
    "label": "Campagne",
    "status": "validated",
    "score": 50.0,
    "completion": 100.0,
    "axes": [{"id": "A", "label": "Axe", "score": 50.0}],
}

# (case, payload change, bag-info change, expected reason, words the message must hold)
CASES: list[tuple[str, Any, Any, str, tuple[str, ...]]] = [
    ("created_is_not_a_date", None, _label("Created", "2026-13-45T09:00:00+00:00"),
     "bad_bag_info", ("bag-info.txt", "Created")),
    ("created_has_no_utc_offset", None, _label("Created", "2026-03-01T09:00:00"),
     "bad_bag_info", ("Created",)),
    ("bundle_uuid_is_not_a_uuid", None, _label("Bundle-UUID", "pas-un-uuid"),
     "bad_bag_info", ("Bundle-UUID",)),
    ("period_is_nonsense", None, _label("Period", "x" * 300),
     "bad_bag_info", ("Period",)),
    ("work_units_missing_a_key", _json_edit(WORK_UNITS, _first("total", _DROP)), None,
     "bad_payload", (WORK_UNITS, "at /0", "'total' is a required property")),
    ("work_units_total_is_text", _json_edit(WORK_UNITS, _first("total", "beaucoup")), None,
     "bad_payload", (WORK_UNITS, "at /0/total", "should be number, not string")),
    ("work_units_total_is_nan", _set(WORK_UNITS, b'[{"table_id": "uo", "table_version": "1",'
     b' "total": NaN, "per_fte": null, "per_bed": null}]'), None,
     "bad_payload", (WORK_UNITS, "NaN")),
    ("work_units_total_is_huge", _json_edit(WORK_UNITS, _first("total", 1e300)), None,
     "bad_payload", (WORK_UNITS, "at /0/total")),
    ("work_units_is_an_object", _json_edit(WORK_UNITS, lambda d: {"rows": d}), None,
     "bad_payload", (WORK_UNITS, "at /", "should be array, not object")),
    ("summary_is_a_list", _set("data/bundle.json", b"[]"), None,
     "bad_payload", ("data/bundle.json", "at /")),
    ("establishment_kind_is_a_number",
     _json_edit("data/establishment.json", lambda d: {**d, "kind": 5}), None,
     "bad_payload", ("data/establishment.json", "at /kind")),
    ("diagnostic_label_longer_than_any_column",
     _set("data/diagnostics.json", json.dumps([{**_DIAGNOSTIC, "label": "x" * 5000}]).encode()),
     None, "bad_payload", ("data/diagnostics.json", "at /0/label", "longer than 200")),
    ("diagnostic_axes_of_the_wrong_shape",
     _set("data/diagnostics.json", json.dumps([{**_DIAGNOSTIC, "axes": "A,B"}]).encode()),
     None, "bad_payload", ("data/diagnostics.json", "at /0/axes")),
    ("file_name_without_a_year",
     _rename(WORK_UNITS, "data/activity/work-units-20x6.json"), None,
     "bad_payload", ("work-units-20x6.json", "year")),
    ("deeply_nested_json", _set("data/diagnostics.json", b"[" * 100_000 + b"]" * 100_000), None,
     "payload_too_deep", ("data/diagnostics.json", "nested deeper")),
    ("json_not_utf8", _set("data/diagnostics.json", b'["\xff\xfe"]'), None,
     "bad_payload", ("data/diagnostics.json", "UTF-8")),
    ("json_cut_short", _set("data/diagnostics.json", b'[{"template_id": '), None,
     "bad_payload", ("data/diagnostics.json", "line 1, column")),
    ("payload_names_another_finess",
     _json_edit("data/establishment.json", lambda d: {**d, "finess": make_finess(99)}), None,
     "bad_finess", ("data/establishment.json", make_finess(99))),
    ("payload_finess_is_not_a_finess",
     _json_edit("data/bundle.json", lambda d: {**d, "finess": "123456789"}), None,
     "bad_finess", ("data/bundle.json",)),
    ("module_data_not_declared",
     _json_edit("data/bundle.json", lambda d: {**d, "modules": ["stock"]}), None,
     "bad_payload", ("data/diagnostics.json", "module 'diagnostics'")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "info", "reason", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_a_signed_bundle_with_a_malformed_payload_is_refused_and_the_batch_goes_on(
    services: Services,
    tmp_path: Path,
    consolidation_url: str,
    payload: Any,
    info: Any,
    reason: str,
    words: tuple[str, ...],
) -> None:
    good = make_bundle(services, tmp_path / "bon.zip")
    bad = resign(services, good, tmp_path / "mauvais.zip", payload=payload, info=info)
    finess = services.establishments.list()[0].finess
    consolidation = Consolidation(consolidation_url, "ARS test")
    try:
        consolidation.trust(_keys(services, [finess]))
        refused, imported = consolidation.import_bundles([bad, good])
        assert (refused.status, refused.reason) == ("refused", reason), refused.message
        assert refused.message.startswith("mauvais.zip"), refused.message
        for word in words:
            assert word in refused.message
        assert len(refused.message) < 1000
        assert refused.message.isprintable()
        assert (imported.status, imported.reason) == ("imported", "ok"), (
            "a refused bundle does not stop the batch"
        )
        assert _counts(consolidation_url)[0] == 1, "the refused bundle wrote nothing"
    finally:
        consolidation.close()


def test_every_malformed_document_of_a_bundle_is_listed_not_just_the_first(
    services: Services, tmp_path: Path
) -> None:
    """Whoever mends a refused bundle learns every document to mend in one receipt."""

    def two_broken(files: dict[str, bytes]) -> dict[str, bytes]:
        files = _set("data/diagnostics.json", json.dumps([{**_DIAGNOSTIC, "axes": "A"}]).encode())(
            files
        )
        return _json_edit(WORK_UNITS, lambda d: "not a list")(files)

    good = make_bundle(services, tmp_path / "bon.zip")
    bad = resign(services, good, tmp_path / "mauvais.zip", payload=two_broken)
    finess = services.establishments.list()[0].finess
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}", "ARS test")
    try:
        consolidation.trust(_keys(services, [finess]))
        [refused] = consolidation.import_bundles([bad])
    finally:
        consolidation.close()
    assert (refused.status, refused.reason) == ("refused", "bad_payload")
    places = [message for _reason, message in refused.failures]
    assert len(places) == 2, places
    assert any("data/diagnostics.json" in m and "/0/axes" in m for m in places), places
    assert any(WORK_UNITS in m for m in places), places
    assert all(m.startswith("mauvais.zip: ") for m in places), places


def test_an_unexpected_failure_of_one_bundle_is_a_refusal_not_a_stop(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospiperf_desktop.ars import service as ars_service

    good = make_bundle(services, tmp_path / "bon.zip")
    other = make_bundle(services, tmp_path / "autre.zip", serial=2)
    finesses = [e.finess for e in services.establishments.list()]
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}")
    store = ars_service._store
    calls = []

    def fail_once(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk gone")
        store(*args)

    monkeypatch.setattr(ars_service, "_store", fail_once)
    try:
        consolidation.trust(_keys(services, finesses))
        failed, imported = consolidation.import_bundles([good, other])
        assert (failed.status, failed.reason) == ("refused", "import_failed")
        assert "nothing of it was stored" in failed.message
        assert imported.status == "imported"
        report = consolidation.report()
        assert [b["file_name"] for b in report["bundles"]] == ["autre.zip"]
    finally:
        consolidation.close()


def test_the_command_line_sums_up_a_batch_and_exits_1_when_one_was_refused(
    cli: Cli, services: Services, tmp_path: Path, db_file: Path
) -> None:
    good = make_bundle(services, tmp_path / "bon.zip")
    bad = resign(
        services,
        good,
        tmp_path / "mauvais.zip",
        payload=_set("data/diagnostics.json", b"[" * 5000 + b"]" * 5000),
    )
    keys = db_file.parent / "keys"
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    args = ("ars", "import", str(bad), str(good), "--trusted-keys", str(keys), "--db-url", url)
    code, out, err = cli(*args, "--json")
    assert code == 1 and not err
    result = json.loads(out)
    assert (result["imported"], result["refused"]) == (1, 1)
    assert [b["reason"] for b in result["bundles"]] == ["payload_too_deep", "ok"]
    code, out, err = cli(*args)
    assert code == 1
    assert out.splitlines()[-1] == "2 bundle(s): 0 imported, 2 refused"


# --- FINESS of trusted keys ----------------------------------------------------------------


def _key_file(tmp_path: Path, services: Services, finess: str) -> Path:
    real = services.bundles.keys.public_key(services.establishments.list()[0].finess)
    path = tmp_path / "cle.pub.json"
    path.write_text(PublicKey(finess, real.raw).to_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("finess", ["123456789", "75 000 000 8", "", "7500000081"])
def test_a_key_cannot_be_trusted_for_something_that_is_not_a_finess(
    services: Services, tmp_path: Path, cli: Cli, finess: str
) -> None:
    make_bundle(services, tmp_path / "paquet.zip")
    path = _key_file(tmp_path, services, finess)
    with pytest.raises(KeyFileError, match="not a FINESS number"):
        read_public_key(path)
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    code, _out, err = cli("ars", "keys", "--db-url", url, "--add", str(path))
    assert code == 2 and "not a FINESS number" in err and "Traceback" not in err
    consolidation = Consolidation(url)
    try:
        raw = services.bundles.keys.public_key(services.establishments.list()[0].finess).raw
        with pytest.raises(ValidationError) as caught:
            consolidation.trust([PublicKey(finess, raw)])
        assert caught.value.issues[0].field == "finess"
        assert consolidation.trusted() == {}, "nothing was registered"
    finally:
        consolidation.close()


def test_a_folder_with_one_key_for_a_bad_finess_is_refused_whole(
    services: Services, tmp_path: Path, cli: Cli, db_file: Path
) -> None:
    make_bundle(services, tmp_path / "paquet.zip")
    folder = tmp_path / "cles"
    folder.mkdir()
    for key in (db_file.parent / "keys").glob("*.pub.json"):
        (folder / key.name).write_bytes(key.read_bytes())
    _key_file(folder, services, "999999999")
    (folder / "notes.json").write_text('{"not": "a key"}', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    code, _out, err = cli("ars", "keys", "--db-url", url, "--add", str(folder))
    assert code == 2 and "cle.pub.json" in err and "not a FINESS number" in err


# --- rival imports ---------------------------------------------------------------------------


def test_six_parallel_imports_of_rival_bundles_leave_exactly_one_current(
    services: Services, tmp_path: Path, consolidation_url: str, dated: type[_Clock]
) -> None:
    rivals = []
    for day in range(1, 7):
        dated.moment = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
        rivals.append(make_bundle(services, tmp_path / f"rival-{day}.zip", count=1000.0 * day))
    finess = services.establishments.list()[0].finess
    Consolidation(consolidation_url).close()  # the schema exists before the race starts
    setup = Consolidation(consolidation_url)
    setup.trust(_keys(services, [finess]))
    setup.close()
    start = threading.Barrier(len(rivals))

    def run(path: Path) -> Any:
        consolidation = Consolidation(consolidation_url, f"ARS {path.stem}")
        try:
            start.wait(timeout=60)
            (outcome,) = consolidation.import_bundles([path])
            return outcome
        finally:
            consolidation.close()

    with ThreadPoolExecutor(len(rivals)) as pool:
        outcomes = list(pool.map(run, reversed(rivals)))  # the newest tends to go first
    reasons = sorted(o.reason for o in outcomes)
    assert set(reasons) <= {"ok", "older_than_current"}, [o.message for o in outcomes]
    engine = create_engine(consolidation_url)
    try:
        with engine.connect() as connection:
            current = connection.execute(
                select(ImportedBundle.file_name).where(ImportedBundle.current.is_(True))
            ).all()
            modules = connection.execute(
                select(BundleModule.module, func.count())
                .where(BundleModule.current.is_(True))
                .group_by(BundleModule.module)
            ).all()
            totals = connection.execute(
                select(WorkUnitRow.total).where(WorkUnitRow.table_id == "uo-pharma")
            ).all()
    finally:
        engine.dispose()
    assert current == [("rival-6.zip",)], "exactly one current: the newest"
    assert dict(modules) == dict.fromkeys(("activity", "calculators", "diagnostics", "stock"), 1)
    assert [round(t) for (t,) in totals] == [round(6000 * 10.6)], "its figures, counted once"


def test_the_database_refuses_a_second_current_bundle_for_a_module(
    services: Services, tmp_path: Path, consolidation_url: str, dated: type[_Clock]
) -> None:
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    finess = services.establishments.list()[0].finess
    consolidation = Consolidation(consolidation_url)
    try:
        consolidation.trust(_keys(services, [finess]))
        (outcome,) = consolidation.import_bundles([bundle])
        assert outcome.status == "imported"
    finally:
        consolidation.close()
    engine = create_engine(consolidation_url)
    try:
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as connection:
            bundle_id = connection.execute(select(ImportedBundle.id)).scalar_one()
            connection.execute(
                insert(BundleModule).values(
                    bundle_id=bundle_id, finess=finess, period="2026", module="stock", current=True
                )
            )
    finally:
        engine.dispose()


def test_an_ars_database_of_schema_1_is_upgraded_and_its_rival_current_bundles_resolved(
    services: Services, tmp_path: Path, consolidation_url: str, dated: type[_Clock]
) -> None:
    dated.moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    march = make_bundle(services, tmp_path / "mars.zip")
    dated.moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    april = make_bundle(services, tmp_path / "avril.zip", count=2000)
    dated.moment = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    may = make_bundle(services, tmp_path / "mai.zip", count=3000)
    finess = services.establishments.list()[0].finess
    consolidation = Consolidation(consolidation_url)
    try:
        consolidation.trust(_keys(services, [finess]))
        consolidation.import_bundles([march, april])
    finally:
        consolidation.close()
    # Bring the database back to what schema 1 left after two racing imports: no module
    # table, both bundles current, both bundles' figures present.
    engine = create_engine(consolidation_url)
    try:
        BundleModule.__table__.drop(engine)  # type: ignore[attr-defined]
        AuditAnchor.__table__.drop(engine)  # type: ignore[attr-defined]
        with engine.begin() as connection:
            connection.execute(delete(ArsSchema))
            connection.execute(insert(ArsSchema).values(version=1))
            connection.execute(update(ImportedBundle).values(current=True))
            march_id = connection.execute(
                select(ImportedBundle.id).where(ImportedBundle.file_name == "mars.zip")
            ).scalar_one()
            connection.execute(
                insert(WorkUnitRow).values(
                    bundle_id=march_id, finess=finess, year=2026, table_id="uo-pharma",
                    table_version="1", total=1.0, per_fte=None, per_bed=None,
                )
            )  # fmt: skip
    finally:
        engine.dispose()

    consolidation = Consolidation(consolidation_url)
    try:
        report = consolidation.report()
        assert [(b["file_name"], b["current"]) for b in report["bundles"]] == [
            ("mars.zip", False),
            ("avril.zip", True),
        ]
        assert [w["total"] for w in report["work_units"] if w["table_id"] == "uo-pharma"] == [
            pytest.approx(2000 * 10.6)
        ], "only the newest bundle's figures remain"
        (newer,) = consolidation.import_bundles([may])
        assert newer.status == "imported"
        assert [b["current"] for b in consolidation.report()["bundles"]] == [False, False, True]
    finally:
        consolidation.close()
    engine = create_engine(consolidation_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(select(ArsSchema.version)).scalars().all()
    finally:
        engine.dispose()
    assert sorted(versions) == [1, ARS_SCHEMA_VERSION]  # 1 → the current schema


@pytest.mark.parametrize("typed", ["../../etc/passwd", "75000001", "750000011"])
def test_a_key_file_is_never_named_by_something_that_is_not_a_finess(cli: Cli, typed: str) -> None:
    code, out, err = cli("keys", "show", "--establishment", typed)
    assert code == 2 and not out
    assert "finess" in err.lower() and "Traceback" not in err


def test_an_establishment_database_is_never_turned_into_a_consolidation_database(
    services: Services, db_file: Path, cli: Cli
) -> None:
    services.establishments.add(make_input(1))
    tables = raw_rows(db_file, "SELECT name FROM sqlite_master ORDER BY name")
    with pytest.raises(DatabaseError, match="not a consolidation database"):
        Consolidation(str(db_file))
    code, out, err = cli("ars", "report", "--db-url", str(db_file))
    assert code == 2 and "not a consolidation database" in err and not out
    assert raw_rows(db_file, "SELECT name FROM sqlite_master ORDER BY name") == tables
