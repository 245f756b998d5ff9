"""Receipts and ledgers: `bundle receipt|ledger` (desktop), `ars ledger` and the receipts of
`ars import --receipts DIR` (ARS). docs/receipts.md describes the receipt file."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli.common import EXIT_OK, CliError, print_json, services_for


def register_bundle(bundle: Any) -> None:
    receipt = bundle.add_parser("receipt", help="verify and record receipts from the ARS")
    receipt.add_argument("files", nargs="+", type=Path, metavar="FILE")
    receipt.add_argument("--json", action="store_true")
    receipt.set_defaults(handler=_receipt)
    ledger = bundle.add_parser("ledger", help="sent / accepted / refused / missing, per module")
    ledger.add_argument("--period", action="append", default=[], help="also show this period")
    ledger.add_argument("--json", action="store_true")
    ledger.set_defaults(handler=_ledger)


def register_ars(ars: Any, imp: Any) -> None:
    imp.add_argument("--receipts", type=Path, metavar="DIR", help="write a signed receipt each")
    imp.add_argument("--key", type=Path, metavar="FILE", help="the ARS private key (receipts)")
    imp.add_argument("--passphrase-env", metavar="VAR", help="its passphrase (receipts)")
    ledger = ars.add_parser("ledger", help="per establishment, period and module; who sent nothing")
    ledger.add_argument("--db-url", required=True, metavar="URL")
    ledger.add_argument("--period", action="append", default=[], help="also show this period")
    ledger.add_argument("--json", action="store_true")
    ledger.set_defaults(handler=_ars_ledger)


def _receipt(args: argparse.Namespace) -> int:
    from hospiperf_desktop.receipts.service import record_receipts

    with services_for(args) as services:
        recorded = record_receipts(services, args.files)
    if args.json:
        print_json([asdict(r) for r in recorded])
        return EXIT_OK
    for r in recorded:
        verdict = "accepté" if r.verdict == "accepted" else "refusé (" + ", ".join(r.reasons) + ")"
        note = "" if r.new else " — déjà enregistré"
        if not r.matched:
            note += " — ne correspond à aucun paquet exporté depuis ce poste"
        elif r.same_file is False:
            note += " — le fichier reçu par l'ARS n'est pas celui écrit ici"
        print(f"{r.file}: paquet {r.bundle_uuid or '?'} {verdict}{note}")
    return EXIT_OK


def _ledger(args: argparse.Namespace) -> int:
    from hospiperf_desktop.receipts.service import ledger

    with services_for(args) as services:
        rows = ledger(services, args.period)
    if args.json:
        print_json([asdict(r) for r in rows])
        return EXIT_OK
    for r in rows:
        print(f"{r.finess}  {r.period:<10} {r.module:<12} {r.label}  {r.bundle_uuid or ''}")
        for reason in r.reasons:
            print(f"    {reason}")
    return EXIT_OK


def import_with_receipts(args: argparse.Namespace, consolidation: Any) -> list[Any]:
    """`ars import --receipts DIR --key FILE --passphrase-env VAR`: the outcomes, each
    receipt written."""
    from hospiperf_desktop.ars.receipts import import_with_receipts as run
    from hospiperf_desktop.bundles.authority import ArsSigner

    if args.key is None or args.passphrase_env is None:
        raise CliError("--receipts needs the ARS key: --key ars.key.pem --passphrase-env VAR")
    issued = run(consolidation, args.files, ArsSigner(*_signer(args)), args.receipts)
    return [i.outcome for i in issued]


def _signer(args: argparse.Namespace) -> tuple[Any, Any]:
    """The ARS private key as `ars package` opens it; the authority's name from ars.pub.json
    beside it (as `ars keys generate` writes them), else 'ARS'."""
    from cryptography.hazmat.primitives import serialization

    from hospiperf_desktop.bundles.authority import (
        PUBLIC_NAME,
        ArsKeyRefused,
        ArsPublicKey,
        read_ars_public_key,
    )
    from hospiperf_desktop.cli.library import _signer as open_private

    if not args.key.is_file():
        raise CliError(f"{args.key.name}: the ARS private key file is not found")
    private, _ = open_private(args)
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    authority = "ARS"
    beside = args.key.parent / PUBLIC_NAME
    if beside.is_file():
        try:
            public = read_ars_public_key(beside)
        except ArsKeyRefused as err:
            raise CliError(str(err)) from None
        if public.raw != raw:
            raise CliError(f"{PUBLIC_NAME} beside {args.key.name} is not its public half")
        authority = public.authority
    return private, ArsPublicKey(authority, raw)


def _ars_ledger(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.receipts import ars_ledger
    from hospiperf_desktop.ars.service import Consolidation

    consolidation = Consolidation(args.db_url)
    try:
        ledger = ars_ledger(consolidation, args.period)
    finally:
        consolidation.close()
    if args.json:
        print_json(
            {
                "periods": list(ledger.periods),
                "rows": [asdict(r) for r in ledger.rows],
                "silent": {
                    period: [{"finess": f, "name": n} for f, n in rows]
                    for period, rows in ledger.silent.items()
                },
            }
        )
        return EXIT_OK
    for r in ledger.rows:
        codes = f" ({', '.join(r.reasons)})" if r.reasons else ""
        print(f"{r.finess}  {r.period:<10} {r.module:<12} {r.label}{codes}")
    for period, rows in ledger.silent.items():
        if rows:
            names = ", ".join(f"{f} {n}".strip() for f, n in rows)
            print(f"{period}: rien reçu de {names}")
    return EXIT_OK
