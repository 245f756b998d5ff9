"""What the ARS tab's worker jobs do with a consolidation database, and where the tab
remembers which database was used last (without its password)."""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from hospiperf_desktop.ars.service import Consolidation
    from hospiperf_desktop.bundles.keys import PublicKey
    from hospiperf_desktop.bundles.verify import BundleRejected, VerifiedBundle
    from hospiperf_desktop.services import Services

SETTINGS_KEY = "ars/database"
_PASSWORD = re.compile(r"(://[^/@:]*):[^/@]*@")


def settings() -> QSettings:
    from ui.file_dialogs import user_settings

    return user_settings()


def without_password(url: str, mask: str = "") -> str:
    """The URL without its password (replaced by `mask`): never shown, never remembered."""
    return _PASSWORD.sub(rf"\1:{mask}@" if mask else r"\1@", url)


@dataclass(frozen=True)
class ArsState:
    """What the tab shows of the consolidation database."""

    keys: list[PublicKey]
    report: dict[str, list[dict[str, Any]]]


def actor(services: Services | None) -> str:
    """Who imports, named as the audit trail names authors."""
    profile = services.profiles.current() if services is not None else None
    if profile is not None:
        return f"{profile.name} ({profile.role})"
    return f"{getpass.getuser()} (system login)"


def read_state(consolidation: Consolidation) -> ArsState:
    """The trusted keys and the report, with names and words added for people."""
    from hospiperf_desktop.bundles.keys import fingerprint_words
    from hospiperf_desktop.stock.parameters import shipped_parameters

    report = consolidation.report()
    names = {row["finess"]: row["name"] for row in report["establishments"]}
    for rows in report.values():
        for row in rows:
            row.setdefault("name", names.get(row["finess"], ""))
    categories = {c.id: c.label for c in shipped_parameters().categories}
    for row in report["coverage"]:
        row["category_label"] = categories.get(row["category"], row["category"])
    for row in report["bundles"]:
        row["key_words"] = fingerprint_words(row["fingerprint"])
    report["ledger"] = ledger_rows(consolidation, names)
    keys = [key for group in consolidation.trusted().values() for key in group]
    return ArsState(keys, report)


def ledger_rows(consolidation: Consolidation, names: dict[str, str]) -> list[dict[str, Any]]:
    """The ARS ledger (ars/receipts.py) as rows: FINESS × period × module, and its state."""
    from dataclasses import asdict

    from hospiperf_desktop.ars.receipts import ars_ledger

    rows = [asdict(row) for row in ars_ledger(consolidation).rows]
    for row in rows:
        row["name"] = row["name"] or names.get(row["finess"], "")
    return rows


def verify_with_registry(
    consolidation: Consolidation, path: Path
) -> VerifiedBundle | BundleRejected:
    from hospiperf_desktop.bundles.verify import BundleRejected

    try:
        return consolidation.verify(path)
    except BundleRejected as err:
        return err
