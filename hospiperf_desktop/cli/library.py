"""`hospiperf library import|list` (desktop) and `hospiperf ars package|benchmarks` (ARS).

The ARS signs with an Ed25519 private key in an encrypted PKCS#8 PEM (`--key`), as the
establishments' keys are kept (bundles/keys.py).
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hospiperf_desktop import __version__
from hospiperf_desktop.cli.common import (
    CliError,
    existing_file,
    print_json,
    services_for,
    year,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# option → (item kind, payload folder)
_ITEM_OPTIONS = {
    "questionnaire": ("questionnaire", "questionnaires"),
    "uo_table": ("uo_table", "uo"),
    "rules": ("rules", "rules"),
    "lead_times": ("lead_times", "lead_times"),  # the listing schema: data/[a-z_]+/
    "benchmarks": ("benchmarks", "benchmarks"),
    "revocations": ("revocations", "revocations"),
    "sterilisation": ("sterilisation", "sterilisation"),
}


def register(commands: Any) -> None:
    library = commands.add_parser(
        "library", help="reference packages from the ARS (questionnaires, UO tables, benchmarks)"
    ).add_subparsers(dest="library_command", metavar="ACTION", required=True)
    imp = library.add_parser("import", help="verify and install a reference package")
    imp.add_argument("file", type=existing_file)
    imp.add_argument("--yes", action="store_true", help="install without asking")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)
    listing = library.add_parser("list", help="what is installed and from where")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    positions = library.add_parser(
        "positions", help="the establishment's figures against the regional benchmarks"
    )
    positions.add_argument("--establishment", required=True, metavar="FINESS")
    positions.add_argument("--year", type=year, help="activity year (default: the last one)")
    positions.add_argument("--json", action="store_true")
    positions.set_defaults(handler=_positions)


def register_ars(ars: Any) -> None:
    package = ars.add_parser("package", help="make a signed reference package")
    package.add_argument("--out", required=True, type=Path)
    for option in _ITEM_OPTIONS:
        flag = "--" + option.replace("_", "-")
        package.add_argument(flag, dest=option, action="append", type=existing_file, default=[])
    _signing_options(package)
    package.set_defaults(handler=_package)
    bench = ars.add_parser("benchmarks", help="signed regional benchmarks from the consolidation")
    bench.add_argument("--db-url", required=True, metavar="URL")
    bench.add_argument("--out", required=True, type=Path)
    _signing_options(bench)
    bench.set_defaults(handler=_benchmarks)
    anchors = ars.add_parser("anchors", help="the last audit anchor received per establishment")
    anchors.add_argument("--db-url", required=True, metavar="URL")
    anchors.add_argument("--json", action="store_true")
    anchors.set_defaults(handler=_anchors)


def _signing_options(parser: Any) -> None:
    parser.add_argument("--key", required=True, type=existing_file, help="the ARS private key")
    parser.add_argument("--passphrase-env", required=True, metavar="VAR")
    parser.add_argument("--publisher", default="ARS", help="who publishes (bag-info.txt)")


def _signer(args: argparse.Namespace) -> tuple[Ed25519PrivateKey, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hospiperf_desktop.bundles.keys import fingerprint

    passphrase = os.environ.get(args.passphrase_env)
    if not passphrase:
        raise CliError(f"the environment variable {args.passphrase_env} is empty or unset")
    try:
        key = serialization.load_pem_private_key(args.key.read_bytes(), passphrase.encode())
    except (ValueError, TypeError):
        raise CliError(f"{args.key.name}: wrong passphrase or not a private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CliError(f"{args.key.name}: not an Ed25519 key")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, fingerprint(raw)


def _write(args: argparse.Namespace, kind: str, items: list[Any]) -> None:
    from hospiperf_desktop.library.package import write_package

    key, signer = _signer(args)
    package = write_package(
        args.out,
        items,
        kind=kind,
        publisher=args.publisher,
        signer_fingerprint=signer,
        sign=key.sign,
        created=datetime.now(UTC),
        software_version=f"HospiPerf {__version__}",
    )
    print(f"{args.out}: package {package.uuid}, {len(items)} item(s), signed by {signer[:16]}…")


def _item_of(kind: str, folder: str, path: Path) -> Any:
    from hospiperf_desktop.bundles.bag import sha256
    from hospiperf_desktop.library.package import PackageItem

    content = path.read_bytes()
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as err:
        raise CliError(f"{path.name}: not JSON ({err})") from None
    item_id = str(data.get("id") or path.stem) if isinstance(data, dict) else path.stem
    # A revocation list without a version is versioned by its content: each new list the
    # ARS publishes installs (an equal version would be taken as installed already).
    unversioned = sha256(content)[:12] if kind == "revocations" else "1"
    version = str(data.get("version") or unversioned) if isinstance(data, dict) else unversioned
    title = str(data.get("title") or item_id) if isinstance(data, dict) else item_id
    return PackageItem(
        kind,
        f"data/{folder}/{item_id}-{version}.json",
        item_id,
        version,
        title,
        sha256(content),
        content,
    )


def _package(args: argparse.Namespace) -> int:
    items = [
        _item_of(kind, folder, path)
        for option, (kind, folder) in _ITEM_OPTIONS.items()
        for path in getattr(args, option)
    ]
    if not items:
        raise CliError("nothing to package: give at least one --questionnaire, --uo-table, …")
    _write(args, "reference", items)
    return 0


def _benchmarks(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.service import Consolidation
    from hospiperf_desktop.bundles.bag import sha256
    from hospiperf_desktop.library.benchmarks import document
    from hospiperf_desktop.library.package import PackageItem

    consolidation = Consolidation(args.db_url)
    try:
        items = consolidation.benchmarks()
    finally:
        consolidation.close()
    created = datetime.now(UTC)
    content = json.dumps(
        document(
            items,
            created=created.isoformat(),
            publisher=args.publisher,
            source="consolidation of the current bundles",
        ),
        ensure_ascii=False,
    ).encode("utf-8")
    version = created.strftime("%Y%m%d%H%M%S")
    item = PackageItem(
        "benchmarks",
        f"data/benchmarks/regional-{version}.json",
        "regional",
        version,
        "Repères régionaux",
        sha256(content),
        content,
    )
    _write(args, "benchmarks", [item])
    print(f"{len(items)} distribution(s) of at least 5 establishments")
    return 0


def _changes(preview: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "action": c.action,
            "replaces": c.replaces,
        }
        for c in preview.changes
    ]


def _import(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        preview = services.library.preview(args.file)
        if not args.json:
            print(f"{args.file.name}: package from {preview.package.publisher}")
            for c in preview.changes:
                was = f" (remplace {c.replaces})" if c.replaces else ""
                print(f"  {c.action:8} {c.kind:13} {c.id} {c.version}{was}")
        if not args.yes:
            answer = input("Installer ? [o/N] ") if os.isatty(0) else ""
            if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                raise CliError("nothing installed (confirm with --yes)")
        services.library.install(args.file)
        if args.json:
            print_json({"package": preview.package.uuid, "changes": _changes(preview)})
        else:
            print("installed")
    return 0


def _list(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        items = services.library.installed()
    rows = [
        {
            "kind": i.kind,
            "id": i.id,
            "version": i.version,
            "title": i.title,
            "current": i.current,
            "package": i.package_uuid,
            "publisher": i.publisher,
            "file": i.file_name,
            "installed_at": i.installed_at.isoformat(),
        }
        for i in items
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            mark = "*" if r["current"] else " "
            print(
                f"{mark} {r['kind']:13} {r['id']} {r['version']}  ({r['publisher']}, {r['file']})"
            )
    return 0


def _positions(args: argparse.Namespace) -> int:
    from hospiperf_desktop.library.standing import standing

    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        chosen = args.year
        if chosen is None:
            known = services.activity.values.years(establishment.id)
            chosen = known[-1] if known else datetime.now(UTC).year - 1
        lines = standing(services, establishment.id, chosen)
    if args.json:
        print_json(lines)
        return 0
    if not lines:
        print("no regional benchmark for this establishment (none installed, or no group of 5)")
    for line in lines:
        print(f"{line.family:10}  {line.subject}: {line.value:g} — {line.text}")
    return 0


def _anchors(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.service import Consolidation

    consolidation = Consolidation(args.db_url)
    try:
        rows = consolidation.last_anchors()
    finally:
        consolidation.close()
    if args.json:
        print_json(
            [
                {
                    **r,
                    "created": r["created"].isoformat(),
                    "received_at": r["received_at"].isoformat(),
                }
                for r in rows
            ]
        )
    else:
        for r in rows:
            print(
                f"{r['finess']}  {r['entries']} entrées, {r['head_hash'][:16]}…,"
                f" lot du {r['created']:%d/%m/%Y %H:%M} ({r['bundle_uuid']})"
            )
    return 0
