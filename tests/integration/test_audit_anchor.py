"""The audit trail anchored outside the database: in every signed bundle and every backup.

A local chain cannot resist someone who rewrites it whole, head included; these tests do
exactly that with raw SQL, as a person with the file in hand could, and check that the
anchor a bundle or a backup holds catches it.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bundle_support import make_bundle
from integration_support import make_input, raw_rows
from test_ars import _Clock

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.audit.chain import GENESIS_HASH, ChainedEntry, entry_hash
from hospiperf_desktop.bundles import service as bundle_service
from hospiperf_desktop.cli import main
from hospiperf_desktop.services import Services, open_services

_COLUMNS = "id, recorded_at, actor, action, entity, entity_id, before, after, prev_hash"


def _audit(db_file: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    try:
        code = main(["--db", str(db_file), "audit", "verify", "--json", *args])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


def _codes(result: dict) -> list[str]:  # type: ignore[type-arg]
    return [p["code"] for p in result["problems"]]


def _bundle_with_history(db_file: Path, tmp_path: Path) -> Path:
    """Four establishments, then a signed bundle, then more changes after it."""
    services = open_services(db_file)
    try:
        for serial in range(2, 6):
            services.establishments.add(make_input(serial))
        bundle = make_bundle(services, tmp_path / "paquet.zip")
        services.establishments.add(make_input(9))
    finally:
        services.close()
    return bundle


def _bag_info(bundle: Path) -> dict[str, str]:
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read("bag-info.txt").decode("utf-8")
    return dict(line.split(": ", 1) for line in text.splitlines() if line)


def _write(db_file: Path, statements: list[tuple[str, tuple[object, ...]]]) -> None:
    """Act as someone editing the file by hand: drop the guard triggers, then write."""
    with closing(sqlite3.connect(db_file)) as connection:
        connection.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        connection.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        for sql, params in statements:
            connection.execute(sql, params)
        connection.commit()


def _rewrite_chain(db_file: Path, entry_id: int, after: str) -> None:
    """Change one entry, then recompute every hash after it and the head: a chain that
    verifies on its own."""
    rows = raw_rows(db_file, f"SELECT {_COLUMNS} FROM audit_entries ORDER BY id")
    previous = GENESIS_HASH
    statements: list[tuple[str, tuple[object, ...]]] = []
    for row in rows:
        entry = ChainedEntry(*row[:8], prev_hash=previous)  # type: ignore[arg-type]
        if entry.id == entry_id:
            entry = ChainedEntry(*row[:7], after=after, prev_hash=previous)  # type: ignore[arg-type]
        digest = entry_hash(entry)
        statements.append(
            (
                "UPDATE audit_entries SET after = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (entry.after, previous, digest, entry.id),
            )
        )
        previous = digest
    statements.append(("UPDATE audit_head SET last_hash = ? WHERE id = 1", (previous,)))
    _write(db_file, statements)


def test_a_signed_bundle_carries_the_trail_as_it_stood_when_signed(
    services: Services, tmp_path: Path, db_file: Path
) -> None:
    before = services.audit.anchor()
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    info = _bag_info(bundle)
    entries = int(info["Audit-Entries"])
    ((head,),) = raw_rows(db_file, "SELECT hash FROM audit_entries WHERE id = ?", (entries,))
    assert info["Audit-Head"] == head
    assert entries > before.entries, "the key and values made before signing are counted"
    last = services.audit.recent(1)[0]
    assert (last.entity, last.action, last.id) == ("bundle", "export", entries + 1), (
        "the export itself is recorded after the anchor it carries"
    )
    assert last.after is not None
    assert last.after["audit_anchor"] == {"entries": entries, "head": head}


def test_a_chain_rewritten_after_a_bundle_was_signed_is_caught_by_that_bundle(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _bundle_with_history(db_file, tmp_path)
    code, result, _ = _audit(db_file, capsys, "--anchor", str(bundle))
    assert code == 0 and result["ok"], result
    assert result["anchor"]["signature_checked"] is True

    _rewrite_chain(db_file, 2, '{"beds": 999}')
    code, result, _ = _audit(db_file, capsys)
    assert code == 0, "alone, a chain rewritten whole still verifies: hence the anchors"
    code, result, _ = _audit(db_file, capsys, "--anchor", str(bundle))
    assert code == 1 and not result["ok"]
    assert "anchor_mismatch" in _codes(result)
    assert result["anchor"]["entries"] == int(_bag_info(bundle)["Audit-Entries"])


def test_removing_the_last_entries_and_moving_the_head_back_is_caught_by_the_anchor(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _bundle_with_history(db_file, tmp_path)
    anchored = int(_bag_info(bundle)["Audit-Entries"])
    keep = anchored - 2
    ((head,),) = raw_rows(db_file, "SELECT hash FROM audit_entries WHERE id = ?", (keep,))
    _write(
        db_file,
        [
            ("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", (keep, head)),
            ("DELETE FROM audit_entries WHERE id > ?", (keep,)),
        ],
    )
    code, result, _ = _audit(db_file, capsys)
    assert code == 0, "alone, a tail cut minutes after it was written, head moved back, verifies"
    code, result, _ = _audit(db_file, capsys, "--anchor", str(bundle))
    assert code == 1 and _codes(result) == ["anchor_missing"]
    assert f"entry {anchored}" in result["problems"][0]["message"]


def test_an_empty_trail_in_a_database_full_of_data_is_reported(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _bundle_with_history(db_file, tmp_path)
    _write(db_file, [("DELETE FROM audit_head", ()), ("DELETE FROM audit_entries", ())])
    code, result, _ = _audit(db_file, capsys)
    assert code == 1 and not result["ok"]
    assert result["entries_checked"] == 0
    assert _codes(result) == ["empty_trail"]
    assert "6 establishment(s)" in result["problems"][0]["message"]


def test_an_empty_trail_in_an_empty_database_is_fine(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_services(db_file).close()
    code, result, _ = _audit(db_file, capsys)
    assert code == 0 and result["ok"] and result["entries_checked"] == 0


def test_a_backup_is_an_anchor_too(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services = open_services(db_file)
    backup = tmp_path / "sauvegarde.sqlite"
    try:
        for serial in range(1, 4):
            services.establishments.add(make_input(serial))
        services.database.backup_to(backup)
        services.establishments.add(make_input(7))
    finally:
        services.close()
    code, result, _ = _audit(db_file, capsys, "--anchor", str(backup))
    assert code == 0 and result["anchor"] == {
        "source": "sauvegarde.sqlite",
        "entries": 3,
        "head_hash": raw_rows(backup, "SELECT last_hash FROM audit_head")[0][0],
        "signature_checked": False,
    }
    _rewrite_chain(db_file, 1, '{"name": "autre"}')
    code, result, _ = _audit(db_file, capsys, "--anchor", str(backup))
    assert code == 1 and "anchor_mismatch" in _codes(result)


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"PK\x03\x04broken"])
def test_an_anchor_file_that_is_neither_a_bundle_nor_a_backup_is_an_error(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    open_services(db_file).close()
    path = tmp_path / "ancre.bin"
    path.write_bytes(content)
    code, result, err = _audit(db_file, capsys, "--anchor", str(path))
    assert code == 2 and result == {}
    assert "ancre.bin" in err and "Traceback" not in err and len(err) < 300
    code, _, err = _audit(db_file, capsys, "--anchor", str(tmp_path / "absent.zip"))
    assert code == 2 and "no such file" in err


def test_the_ars_keeps_the_anchors_it_receives(
    services: Services, tmp_path: Path, consolidation_url: str
) -> None:
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    info = _bag_info(bundle)
    finess = info["FINESS"]
    consolidation = Consolidation(consolidation_url)
    try:
        consolidation.trust([services.bundles.keys.public_key(finess)])
        (outcome,) = consolidation.import_bundles([bundle])
        assert outcome.status == "imported"
        (anchor,) = consolidation.anchors(finess)
        assert (anchor["bundle_uuid"], anchor["entries"], anchor["head_hash"]) == (
            info["Bundle-UUID"],
            int(info["Audit-Entries"]),
            info["Audit-Head"],
        )
        assert consolidation.report()["audit_anchors"] == [anchor]
    finally:
        consolidation.close()


def test_the_ars_warns_when_a_later_bundle_carries_a_shorter_trail(
    db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_service, "datetime", _Clock)
    _Clock.moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    first = _bundle_with_history(db_file, tmp_path)
    _Clock.moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    finess = _bag_info(first)["FINESS"]
    ((head,),) = raw_rows(db_file, "SELECT hash FROM audit_entries WHERE id = 2")
    _write(
        db_file,
        [
            ("UPDATE audit_head SET last_id = 2, last_hash = ? WHERE id = 1", (head,)),
            ("DELETE FROM audit_entries WHERE id > 2", ()),
        ],
    )
    services = open_services(db_file)
    try:
        second = make_bundle(services, tmp_path / "apres-coupe.zip")
        key = services.bundles.keys.public_key(finess)
    finally:
        services.close()
    assert int(_bag_info(second)["Audit-Entries"]) < int(_bag_info(first)["Audit-Entries"])
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}")
    try:
        consolidation.trust([key])
        before, after = consolidation.import_bundles([first, second])
        assert (before.status, before.warning) == ("imported", None)
        assert after.status == "imported"
        assert after.warning is not None
        assert "audit trail was cut or rewritten" in after.warning
        assert before.uuid is not None and before.uuid in after.warning
        assert len(consolidation.anchors(finess)) == 2, "both anchors are kept"
    finally:
        consolidation.close()


def test_a_trail_cut_back_behind_later_changes_is_reported_without_an_anchor(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _bundle_with_history(db_file, tmp_path)
    ((last, recorded),) = raw_rows(
        db_file, "SELECT id, recorded_at FROM audit_entries ORDER BY id DESC LIMIT 1"
    )
    later = datetime.fromisoformat(recorded).replace(tzinfo=None) + timedelta(hours=2)
    ((keep_hash,),) = raw_rows(db_file, "SELECT hash FROM audit_entries WHERE id = ?", (last - 1,))
    _write(
        db_file,
        [
            # The last change (establishment n°9) was made two hours after the others...
            ("UPDATE establishments SET updated_at = ? WHERE name LIKE '%n°9'", (str(later),)),
            # ...and its entry is cut off, the head moved back onto the one before.
            (
                "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
                (last - 1, keep_hash),
            ),
            ("DELETE FROM audit_entries WHERE id = ?", (last,)),
        ],
    )
    code, result, _ = _audit(db_file, capsys)
    assert code == 1 and _codes(result) == ["trail_behind_data"]
    assert "after the last audit entry" in result["problems"][0]["message"]
