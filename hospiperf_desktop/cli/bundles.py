"""`keys …`, `bundle …` and `ars …`: signing keys, export bundles, the ARS consolidation."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    CliError,
    existing_file,
    print_json,
    record_id,
    services_for,
    year,
)


def register(commands: Any) -> None:
    keys = commands.add_parser("keys", help="the establishment's signing keys").add_subparsers(
        dest="keys_command", metavar="ACTION", required=True
    )
    generate = keys.add_parser("generate", help="make the establishment's Ed25519 key pair")
    generate.add_argument("--establishment", required=True, metavar="FINESS")
    generate.add_argument("--passphrase-env", metavar="VAR", help="read the passphrase from $VAR")
    generate.add_argument("--replace", action="store_true", help="replace an existing key")
    generate.add_argument(
        "--old-passphrase-env",
        metavar="VAR",
        help="with --replace: the old key's passphrase in $VAR; the new key is then signed by"
        " the old one (<FINESS>.successor.json), which the ARS accepts without a phone call",
    )
    generate.add_argument("--json", action="store_true")
    generate.set_defaults(handler=_generate)
    export = keys.add_parser("export-public", help="write the public key for the ARS")
    export.add_argument("--establishment", required=True, metavar="FINESS")
    export.add_argument("--out", required=True, type=Path)
    export.set_defaults(handler=_export_public)
    show = keys.add_parser("show", help="the key's fingerprint, in words")
    show.add_argument("--establishment", required=True, metavar="FINESS")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show_key)
    trust_ars = keys.add_parser("trust-ars", help="trust the ARS's public key (files it signs)")
    trust_ars.add_argument("file", type=existing_file, metavar="PUBLIC_KEY_FILE")
    trust_ars.add_argument("--replace", action="store_true", help="replace another ARS key")
    trust_ars.add_argument("--json", action="store_true")
    trust_ars.set_defaults(handler=_trust_ars)

    bundle = commands.add_parser("bundle", help="signed export bundles").add_subparsers(
        dest="bundle_command", metavar="ACTION", required=True
    )
    make = bundle.add_parser("export", help="prepare, sign and write a bundle for the ARS")
    make.add_argument("--establishment", required=True, metavar="FINESS")
    make.add_argument("--out", required=True, type=Path)
    make.add_argument("--year", type=year, action="append", help="a year to send (repeatable)")
    make.add_argument("--modules", help="comma-separated: diagnostics,activity,stock,calculators")
    make.add_argument(
        "--diagnostic", type=record_id, action="append", help="only these diagnostics"
    )
    make.add_argument("--no-pdf", action="store_true", help="leave the PDF reports out")
    make.add_argument("--passphrase-env", metavar="VAR")
    make.add_argument(
        "--justify",
        action="append",
        default=[],
        metavar="CHECK_ID=TEXT",
        help="justify a warning of the checks before signing (repeatable; see --list)",
    )
    make.add_argument(
        "--justifications",
        type=existing_file,
        metavar="FILE",
        help='a JSON object {"CHECK_ID": "why", ...} of justifications',
    )
    make.add_argument(
        "--list", action="store_true", help="list the contents and the checks, sign nothing"
    )
    make.add_argument("--json", action="store_true")
    make.set_defaults(handler=_bundle_export)
    check = bundle.add_parser("verify", help="check a bundle (exit 0 valid, 1 refused)")
    check.add_argument("file", type=existing_file)
    check.add_argument("--trusted-keys", required=True, type=Path, metavar="PATH")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_bundle_verify)
    from hospiperf_desktop.cli.receipts import register_ars as register_ars_receipts
    from hospiperf_desktop.cli.receipts import register_bundle

    register_bundle(bundle)

    ars = commands.add_parser("ars", help="the ARS consolidation").add_subparsers(
        dest="ars_command", metavar="ACTION", required=True
    )
    imp = ars.add_parser("import", help="verify and consolidate bundles")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--trusted-keys", type=Path, metavar="PATH", help="key file or folder")
    imp.add_argument("--db-url", required=True, metavar="URL", help="SQLAlchemy URL or file")
    imp.add_argument("--actor", default=None, help="who imports (default: the system user)")
    imp.add_argument(
        "--revocations",
        type=existing_file,
        metavar="FILE",
        help="the ARS's revocation list: refuse bundles signed by a key on it",
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_ars_import)
    register_ars_receipts(ars, imp)
    rep = ars.add_parser("report", help="regional views")
    rep.add_argument("--db-url", required=True, metavar="URL")
    rep.add_argument("--xlsx", type=Path, metavar="OUT")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(handler=_ars_report)
    trust = ars.add_parser(
        "keys", help="the registry of trusted public keys; 'generate': the ARS's own pair"
    )
    trust.add_argument("--db-url", metavar="URL")
    trust.add_argument("--add", type=Path, metavar="PATH", help="key file or folder to trust")
    trust.add_argument("--remove", metavar="FINGERPRINT")
    trust.add_argument(
        "--successor",
        type=existing_file,
        metavar="FILE",
        help="trust a new establishment key signed by the key trusted for its FINESS",
    )
    trust.add_argument(
        "--revocations",
        type=existing_file,
        metavar="FILE",
        help="the ARS's revocation list: a successor signed by a key on it is refused",
    )
    trust.add_argument("--json", action="store_true")
    trust.set_defaults(handler=_ars_keys)
    trust.add_argument(
        "ars_keys_command", nargs="?", choices=("generate",), help="generate: make the ARS's pair"
    )
    trust.add_argument("--out", type=Path, metavar="DIR", help="generate: the key's folder")
    trust.add_argument("--authority", default="ARS", help="generate: the agency's name")
    trust.add_argument("--passphrase-env", metavar="VAR")
    trust.add_argument("--replace", action="store_true", help="generate: replace a key in DIR")
    from hospiperf_desktop.cli.library import register_ars

    register_ars(ars)


def _env_secret(variable: str) -> str:
    value = os.environ.get(variable)
    if not value:
        raise CliError(f"the environment variable {variable} is empty or unset")
    return value


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    if args.passphrase_env:
        return _env_secret(args.passphrase_env)
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask the passphrase: use --passphrase-env VAR")
    value = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != value:
        raise CliError("the two passphrases differ")
    return value


def _generate(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        old_passphrase = None
        if args.old_passphrase_env:
            if not args.replace:
                raise CliError("--old-passphrase-env goes with --replace")
            old_passphrase = _env_secret(args.old_passphrase_env)
        info = services.bundles.generate_key(
            establishment.id,
            _passphrase(args, confirm=True),
            replace=args.replace,
            old_passphrase=old_passphrase,
        )
    successor = str(info.successor_path) if info.successor_path else None
    if args.json:
        print_json(
            {
                **asdict(info),
                "private_path": str(info.private_path),
                "public_path": str(info.public_path),
                "successor_path": successor,
            }
        )
        return EXIT_OK
    print(f"key pair made for {info.finess}")
    print(f"fingerprint (read it to the ARS): {info.words}")
    print(f"private key (encrypted, owner only): {info.private_path}")
    print(f"public key: {info.public_path}")
    if successor:
        print(f"signed by the previous key (send it to the ARS with the public key): {successor}")
    return EXIT_OK


def _show_key(args: argparse.Namespace) -> int:
    from hospiperf_desktop.bundles.keys import fingerprint_groups

    with services_for(args) as services:
        info = services.bundles.keys.info(args.establishment)
    if args.json:
        print_json({"finess": info.finess, "fingerprint": info.fingerprint, "words": info.words})
        return EXIT_OK
    print(f"{info.finess}: {info.words}")
    print(f"  {fingerprint_groups(info.fingerprint)}")
    return EXIT_OK


def _export_public(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        info = services.bundles.keys.export_public(args.establishment, args.out)
    print(f"written: {args.out}")
    print(f"fingerprint: {info.words}")
    return EXIT_OK


def _bundle_export(args: argparse.Namespace) -> int:
    from hospiperf_desktop.bundles.contents import MODULES, Selection

    modules = frozenset(MODULES)
    if args.modules:
        modules = frozenset(m.strip() for m in args.modules.split(",") if m.strip())
        unknown = modules - set(MODULES)
        if unknown:
            raise CliError(
                f"unknown module(s) {', '.join(sorted(unknown))}; known: {', '.join(MODULES)}"
            )
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        years = tuple(sorted(set(args.year or ())))
        if not years and "activity" in modules:
            known = services.activity.values.years(establishment.id)
            years = (known[-1],) if known else ()
        selection = Selection(
            establishment.id,
            years,
            tuple(args.diagnostic) if args.diagnostic else None,
            modules,
            not args.no_pdf,
        )
        prepared = services.bundles.prepare(selection)
        texts = _justifications(args)
        if texts:
            prepared = services.bundles.justify(prepared, texts)
        checks = [c.to_json() for c in prepared.checks]
        if args.list:
            listing = [asdict(f) for f in prepared.listing()]
            if args.json:
                print_json(
                    {
                        "finess": prepared.finess,
                        "period": prepared.period,
                        "files": listing,
                        "checks": checks,
                    }
                )
            else:
                for item in listing:
                    print(f"{item['size']:>10}  {item['path']}  — {item['description']}")
                _print_checks(prepared.checks)
            return EXIT_OK
        from hospiperf_desktop.bundles.personal_data import PersonalDataFound

        try:
            written = services.bundles.sign_and_write(prepared, _passphrase(args), args.out)
        except PersonalDataFound as err:
            for finding in err.findings:
                print(f"{finding.field}: {finding.kind} {finding.excerpt!r}", file=sys.stderr)
            raise CliError(str(err)) from None
    if args.json:
        print_json({**asdict(written), "path": str(written.path), "checks": checks})
        return EXIT_OK
    _print_checks(prepared.checks)
    print(f"written: {written.path} ({written.files} files, period {written.period})")
    print(f"bundle {written.uuid}, signed with key {written.words}")
    return EXIT_OK


_STATUS_WORDS = {"ok": "conforme", "warning": "AVERTISSEMENT", "justified": "justifié"}


def _justifications(args: argparse.Namespace) -> dict[str, str]:
    """`--justifications FILE` then every `--justify CHECK_ID=TEXT` (the last one wins)."""
    texts: dict[str, str] = {}
    if args.justifications is not None:
        from hospiperf_desktop.jsonfiles import load_json_file

        document = load_json_file(args.justifications)
        if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
            raise CliError(
                f"{args.justifications.name}: expected a JSON object"
                ' {"CHECK_ID": "justification", ...}'
            )
        texts.update(document)
    for given in args.justify:
        check_id, sep, text = given.partition("=")
        if not sep or not check_id.strip():
            raise CliError(f"--justify {given!r}: expected CHECK_ID=TEXT")
        texts[check_id.strip()] = text
    return texts


def _print_checks(checks: Any) -> None:
    """The checks before signing, one per line, warnings telling how to justify them."""
    for check in checks:
        line = f"{_STATUS_WORDS[check.status]:>14}  {check.id}  {check.message}"
        if check.justification:
            line += f" — {check.justification}"
        print(line)
    if any(c.status == "warning" for c in checks):
        print("justify a warning with --justify CHECK_ID=TEXT (it travels in data/checks.json)")


def _trusted(path: Path) -> list[Any]:
    from hospiperf_desktop.bundles.keys import KeyFileError, read_trusted_keys

    try:
        return read_trusted_keys(path)
    except KeyFileError as err:
        raise CliError(str(err)) from None


def _successor(path: Path) -> Any:
    from hospiperf_desktop.bundles.keys import KeyFileError
    from hospiperf_desktop.bundles.successor import read_successor

    try:
        return read_successor(path)
    except KeyFileError as err:
        raise CliError(str(err)) from None


def _bundle_verify(args: argparse.Namespace) -> int:
    from hospiperf_desktop.bundles.payload import check_bundle
    from hospiperf_desktop.bundles.verify import BundleRejected, trusted_by_finess

    keys = _trusted(args.trusted_keys)
    try:
        verified = check_bundle(args.file, trusted_by_finess(keys))
    except BundleRejected as err:
        if args.json:
            failures = [{"reason": r, "message": m} for r, m in err.failures]
            print_json(
                {"valid": False, "reason": err.reason, "message": str(err), "failures": failures}
            )
        else:
            print(f"REFUSED ({err.reason}): {err}")
            for reason, message in err.failures[1:]:
                print(f"  also ({reason}): {message}")
        return EXIT_CHECK_FAILED
    if args.json:
        print_json({"valid": True, "info": verified.info, "files": list(verified.payload_names)})
    else:
        info = verified.info
        print(f"VALID: {info['Establishment-Name']} ({info['FINESS']}), period {info['Period']},")
        print(
            f"  made {info['Created']}, {len(verified.payload_names)} files,"
            f" key {verified.key.words}"
        )
    return EXIT_OK


def _actor(args: argparse.Namespace) -> str:
    return args.actor or getpass.getuser()


def _ars_import(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.service import Consolidation

    revoked = _revoked(args.revocations) if args.revocations else frozenset()
    consolidation = Consolidation(args.db_url, _actor(args))
    consolidation.revoked = revoked
    try:
        if args.trusted_keys:
            consolidation.trust(_trusted(args.trusted_keys))
        if args.receipts is not None:
            from hospiperf_desktop.cli.receipts import import_with_receipts

            outcomes = import_with_receipts(args, consolidation)
        else:
            outcomes = consolidation.import_bundles(args.files)
    finally:
        consolidation.close()
    refused = [o for o in outcomes if o.status != "imported"]
    if args.json:
        print_json(
            {
                "imported": len(outcomes) - len(refused),
                "refused": len(refused),
                "bundles": [asdict(o) for o in outcomes],
            }
        )
    else:
        for outcome in outcomes:
            mark = "imported" if outcome.status == "imported" else f"REFUSED ({outcome.reason})"
            print(f"{mark}: {outcome.message}")
            if outcome.warning:
                print(f"  WARNING: {outcome.warning}")
            for _reason, detail in outcome.failures[1:]:
                print(f"  also: {detail}")
        print(
            f"{len(outcomes)} bundle(s): {len(outcomes) - len(refused)} imported,"
            f" {len(refused)} refused"
        )
    return EXIT_CHECK_FAILED if refused else EXIT_OK


def _revoked(path: Path) -> frozenset[str]:
    """The fingerprints of a revocation list (docs/reference-packages.md), checked first."""
    from hospiperf_desktop.jsonfiles import load_json_file
    from hospiperf_desktop.library.revocations import revoked_keys

    return revoked_keys([load_json_file(path, "revocations")]).fingerprints()


def _ars_report(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.reports import write_report_workbook
    from hospiperf_desktop.ars.service import Consolidation

    consolidation = Consolidation(args.db_url)
    try:
        report = consolidation.report()
    finally:
        consolidation.close()
    if args.xlsx:
        write_report_workbook(report, args.xlsx)
    if args.json:
        print_json(report)
        return EXIT_OK
    for row in report["establishments"]:
        print(f"{row['finess']}  {row['name']}  (last bundle {row['last_bundle_at']:%d/%m/%Y})")
    print(
        f"{len(report['bundles'])} bundle(s), {len(report['diagnostic_scores'])} diagnostic(s),"
        f" {len(report['work_units'])} work-unit result(s)"
    )
    if args.xlsx:
        print(f"written: {args.xlsx}")
    return EXIT_OK


def _trust_ars(args: argparse.Namespace) -> int:
    from hospiperf_desktop.bundles.authority import (
        ArsKeyRefused,
        read_ars_public_key,
        trust_ars_key,
    )
    from hospiperf_desktop.bundles.keys import fingerprint_groups

    try:
        key = read_ars_public_key(args.file)
    except ArsKeyRefused as err:
        raise CliError(str(err)) from None
    with services_for(args) as services:
        added = trust_ars_key(services, key, replace=args.replace)
    if args.json:
        print_json(
            {
                "authority": key.authority,
                "fingerprint": key.fingerprint,
                "words": key.words,
                "added": added,
            }
        )
        return EXIT_OK
    print(f"{'trusted' if added else 'already trusted'}: {key.authority}")
    print(f"fingerprint (read it back to the ARS): {key.words}")
    print(f"  {fingerprint_groups(key.fingerprint)}")
    return EXIT_OK


def _ars_generate(args: argparse.Namespace) -> int:
    from hospiperf_desktop.bundles.authority import generate_ars_keys

    if args.out is None:
        raise CliError("ars keys generate needs --out DIR")
    info = generate_ars_keys(
        args.out, _passphrase(args, confirm=True), args.authority, replace=args.replace
    )
    if args.json:
        print_json(
            {
                **asdict(info),
                "private_path": str(info.private_path),
                "public_path": str(info.public_path),
            }
        )
        return EXIT_OK
    print(f"ARS key pair made for {info.authority}")
    print(f"fingerprint (the establishments read it back): {info.words}")
    print(f"private key (encrypted, owner only): {info.private_path}")
    print(f"public key (give it to the establishments): {info.public_path}")
    return EXIT_OK


def _ars_keys(args: argparse.Namespace) -> int:
    from hospiperf_desktop.ars.service import Consolidation

    if args.ars_keys_command == "generate":
        return _ars_generate(args)
    if args.db_url is None:
        raise CliError("ars keys needs --db-url URL (or 'ars keys generate --out DIR')")

    revoked = _revoked(args.revocations) if args.revocations else frozenset()
    consolidation = Consolidation(args.db_url, getpass.getuser())
    consolidation.revoked = revoked
    try:
        if args.add:
            added = consolidation.trust(_trusted(args.add))
            print(f"{added} key(s) added", file=sys.stderr)
        if args.remove:
            consolidation.untrust(args.remove)
        if args.successor:
            new = consolidation.trust_successor(_successor(args.successor))
            print(f"new key trusted for {new.finess}: {new.words}", file=sys.stderr)
        trusted = consolidation.trusted()
    finally:
        consolidation.close()
    rows = [
        {"finess": finess, "fingerprint": key.fingerprint, "words": key.words}
        for finess, keys in trusted.items()
        for key in keys
    ]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['finess']}  {row['words']}  {row['fingerprint']}")
    return EXIT_OK
