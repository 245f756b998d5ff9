"""Building a small real bundle, and rewriting one to tamper with it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from integration_support import make_input

from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.services import Services

PASSPHRASE = "phrase de passe de test"


def make_bundle(
    services: Services, out: Path, *, serial: int = 1, year: int = 2026, count: float | None = None
) -> Path:
    """An establishment with a little activity, its key, and one signed bundle."""
    finess_input = make_input(serial, beds=120)
    try:
        establishment = services.establishments.by_finess(finess_input.finess)
    except Exception:
        establishment = services.establishments.add(finess_input)
    services.activity.values.set_values(
        establishment.id,
        year,
        {("lignes_cmd_medicaments", 0): count or 1000.0 + serial, ("etp_pui", 0): 10.0},
    )
    if not services.bundles.keys.has_key(establishment.finess):
        services.bundles.generate_key(establishment.id, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(establishment.id, years=(year,)))
    services.bundles.sign_and_write(prepared, PASSPHRASE, out)
    return out


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(
    source: Path,
    target: Path,
    change: Callable[[dict[str, bytes]], dict[str, bytes]],
) -> Path:
    files = change(entries(source))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def resign(
    services: Services,
    source: Path,
    target: Path,
    *,
    payload: Callable[[dict[str, bytes]], dict[str, bytes]] | None = None,
    info: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> Path:
    """Rebuild `source` with a changed payload or bag-info and sign it again with the
    establishment's own key: a bundle correctly signed by a trusted key, carrying whatever
    the test put in it."""
    from datetime import datetime

    from hospiperf_desktop.bundles.bag import BAG_INFO, PayloadFile, write_bag

    files = entries(source)
    labels = dict(
        line.split(": ", 1) for line in files[BAG_INFO].decode("utf-8").splitlines() if line
    )
    data = {name: content for name, content in files.items() if name.startswith("data/")}
    data = payload(data) if payload else data
    labels = info(labels) if info else labels
    private = services.bundles.keys.private_key(labels["FINESS"], PASSPHRASE)
    write_bag(
        str(target),
        [PayloadFile(name, content) for name, content in data.items()],
        labels,
        private.sign,
        datetime(2026, 3, 1, 9, 0),
    )
    return target
