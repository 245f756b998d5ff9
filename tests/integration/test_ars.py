"""The ARS consolidation, on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bundle_support import make_bundle, rewrite
from integration_support import Cli
from sqlalchemy import create_engine, func, select

from hospiperf_desktop.ars.models import ImportedBundle, WorkUnitRow
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles import service as bundle_service
from hospiperf_desktop.services import Services


class _Clock:
    """Stands in for datetime in the bundle service, to date bundles at will."""

    moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        return cls.moment


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> type[_Clock]:
    monkeypatch.setattr(bundle_service, "datetime", _Clock)
    return _Clock


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        bundles = connection.execute(select(func.count()).select_from(ImportedBundle)).scalar()
        units = connection.execute(select(func.count()).select_from(WorkUnitRow)).scalar()
    engine.dispose()
    return int(bundles or 0), int(units or 0)


def _keys(services: Services, finess_list: list[str]):  # type: ignore[no-untyped-def]
    return [services.bundles.keys.public_key(f) for f in finess_list]


def test_import_replay_newer_and_older(
    services: Services, tmp_path: Path, consolidation_url: str, dated: type[_Clock]
) -> None:
    dated.moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    march = make_bundle(services, tmp_path / "mars.zip", serial=1)
    other = make_bundle(services, tmp_path / "autre.zip", serial=2)
    dated.moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    april = make_bundle(services, tmp_path / "avril.zip", serial=1, count=2000)
    finesses = [e.finess for e in services.establishments.list()]

    consolidation = Consolidation(consolidation_url, "ARS test")
    try:
        assert consolidation.trust(_keys(services, finesses)) == 2
        assert consolidation.trust(_keys(services, finesses)) == 0, "known keys are not added again"
        first = consolidation.import_bundles([march, other])
        assert [o.status for o in first] == ["imported", "imported"]
        report = consolidation.report()
        totals = {
            w["finess"]: w["total"] for w in report["work_units"] if w["table_id"] == "uo-pharma"
        }
        assert totals == {
            finesses[0]: pytest.approx(1001 * 10.6),
            finesses[1]: pytest.approx(1002 * 10.6),
        }
        counts = _counts(consolidation_url)

        (replay,) = consolidation.import_bundles([march])
        assert (replay.status, replay.reason) == ("refused", "already_imported")
        assert _counts(consolidation_url) == counts, "a refused bundle writes nothing"

        (newer,) = consolidation.import_bundles([april])
        assert newer.status == "imported" and newer.replaced == first[0].uuid
        report = consolidation.report()
        totals = {
            w["finess"]: w["total"] for w in report["work_units"] if w["table_id"] == "uo-pharma"
        }
        assert totals[finesses[0]] == pytest.approx(2000 * 10.6), (
            "the newer figures replace the older"
        )
        assert [b["current"] for b in report["bundles"]] == [False, True, True]

        dated.moment = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
        february = make_bundle(services, tmp_path / "fevrier.zip", serial=1)
        counts = _counts(consolidation_url)
        (older,) = consolidation.import_bundles([february])
        assert (older.status, older.reason) == ("refused", "older_than_current")
        assert "older than bundle" in older.message
        assert _counts(consolidation_url) == counts
    finally:
        consolidation.close()


def test_tampered_and_untrusted_bundles_are_refused(
    services: Services, tmp_path: Path, consolidation_url: str
) -> None:
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    finess = services.establishments.list()[0].finess

    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        files["data/establishment.json"] = files["data/establishment.json"].replace(b"1", b"2", 1)
        return files

    tampered = rewrite(bundle, tmp_path / "altere.zip", change)
    consolidation = Consolidation(consolidation_url)
    try:
        (untrusted,) = consolidation.import_bundles([bundle])
        assert untrusted.reason == "untrusted_finess"
        consolidation.trust(_keys(services, [finess]))
        (altered,) = consolidation.import_bundles([tampered])
        assert altered.reason == "payload_hash_mismatch"
        assert _counts(consolidation_url) == (0, 0)
        (good,) = consolidation.import_bundles([bundle])
        assert good.status == "imported"
    finally:
        consolidation.close()


def test_ars_command_line(cli: Cli, tmp_path: Path, services: Services, db_file: Path) -> None:
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    finess = services.establishments.list()[0].finess
    keys_folder = db_file.parent / "keys"
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    code, out, err = cli("bundle", "verify", str(bundle), "--trusted-keys", str(keys_folder))
    assert code == 0 and out.startswith("VALID"), err
    code, out, err = cli(
        "ars",
        "import",
        str(bundle),
        str(bundle),
        "--trusted-keys",
        str(keys_folder),
        "--db-url",
        url,
        "--json",
    )
    assert code == 1, "one of the two was refused"
    result = json.loads(out)
    assert (result["imported"], result["refused"]) == (1, 1)
    assert result["bundles"][1]["reason"] == "already_imported"
    code, out, err = cli(
        "ars", "report", "--db-url", url, "--json", "--xlsx", str(tmp_path / "region.xlsx")
    )
    assert code == 0, err
    report = json.loads(out)
    assert [e["finess"] for e in report["establishments"]] == [finess]
    assert (tmp_path / "region.xlsx").stat().st_size > 0
    other = tmp_path / "other-key.json"
    other.write_text("{}", encoding="utf-8")
    code, out, err = cli("bundle", "verify", str(bundle), "--trusted-keys", str(other))
    assert code == 2 and "not a public-key file" in err


def test_a_bundle_of_every_module_of_the_demo_data_is_accepted(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of saved scenario included: a logistics result is a list of scenarios."""
    monkeypatch.setenv("HOSPIPERF_TEST_PASSPHRASE", "phrase de passe de test")
    assert cli("demo")[0] == 0
    finess = "690990015"  # the demo hospital: diagnostics, stock, activity and both calculators
    for args in (
        ("keys", "generate", "--establishment", finess,
         "--passphrase-env", "HOSPIPERF_TEST_PASSPHRASE"),
        ("keys", "export-public", "--establishment", finess, "--out", str(tmp_path / "cle.json")),
        ("bundle", "export", "--establishment", finess, "--year", "2026", "--no-pdf",
         "--passphrase-env", "HOSPIPERF_TEST_PASSPHRASE", "--out", str(tmp_path / "paquet.zip")),
    ):  # fmt: skip
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    code, out, err = cli("ars", "import", str(tmp_path / "paquet.zip"), "--trusted-keys",
                         str(tmp_path / "cle.json"), "--db-url", url, "--json")  # fmt: skip
    assert code == 0, (out, err)
    assert json.loads(out)["imported"] == 1
