"""`establishment add | list | update | delete`."""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from typing import Any

from hospiperf_desktop.cli.common import EXIT_OK, CliError, count, print_json, services_for
from hospiperf_desktop.errors import ConflictError
from hospiperf_desktop.establishments.finess import is_overseas_finess
from hospiperf_desktop.establishments.model import (
    Establishment,
    EstablishmentContents,
    EstablishmentInput,
)

_FIELDS = {  # option dest -> EstablishmentInput field
    "name": "name",
    "kind": "kind",
    "region": "region",
    "beds": "beds",
    "care_units": "care_units",
    "ght": "ght_name",
    "ght_support": "is_ght_support",
    "legal_entity": "legal_entity_finess",
    "overseas": "overseas",
    "new_finess": "finess",
}


def _add_field_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--name", required=required)
    parser.add_argument(
        "--kind", required=required, help="chu, ch, clinic, ehpad, had, pui or other"
    )
    parser.add_argument("--region", help="French region, e.g. 'Auvergne-Rhône-Alpes'")
    parser.add_argument("--beds", type=count)
    parser.add_argument("--care-units", type=count, help="number of care units (UF)")
    parser.add_argument("--ght", help="name of the GHT the establishment belongs to")
    parser.add_argument(
        "--ght-support",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the establishment is the GHT's support establishment",
    )
    parser.add_argument("--legal-entity", metavar="FINESS", help="FINESS of the legal entity")
    parser.add_argument(
        "--overseas",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="overseas establishment (default: from the FINESS prefix 97/98)",
    )


def register(commands: Any) -> None:
    group = commands.add_parser("establishment", help="establishments").add_subparsers(
        dest="establishment_command", metavar="ACTION", required=True
    )

    add = group.add_parser("add", help="add an establishment")
    add.add_argument("--finess", required=True)
    _add_field_options(add, required=True)
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add)

    listing = group.add_parser("list", help="list establishments")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    update = group.add_parser("update", help="change an establishment's details")
    update.add_argument("finess")
    update.add_argument("--new-finess", metavar="FINESS")
    _add_field_options(update, required=False)
    update.add_argument("--json", action="store_true")
    update.set_defaults(handler=_update)

    delete = group.add_parser("delete", help="delete an establishment")
    delete.add_argument("finess")
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.add_argument(
        "--with-data",
        action="store_true",
        help="also delete its diagnostics, stock, activity and scenarios (a copy of the"
        " database is kept in backups/ first); needs --confirm-name",
    )
    delete.add_argument(
        "--confirm-name", metavar="NAME", help="the establishment's name, typed to confirm"
    )
    delete.add_argument("--json", action="store_true")
    delete.set_defaults(handler=_delete)


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    return {
        field: getattr(args, dest)
        for dest, field in _FIELDS.items()
        if getattr(args, dest, None) is not None
    }


def _show(record: Establishment, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(record)
    else:
        print(f"establishment {verb}: {record.finess} {record.name} ({record.kind})")


def _add(args: argparse.Namespace) -> int:
    changes = _changes(args)
    changes.setdefault("overseas", is_overseas_finess(args.finess))
    data = EstablishmentInput(finess=args.finess, **changes)
    with services_for(args) as services:
        record = services.establishments.add(data)
    _show(record, args.json, "added")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        records = services.establishments.list()
    if args.json:
        print_json(records)
        return EXIT_OK
    for r in records:
        region = f"  [{r.region}]" if r.region else ""
        print(
            f"{r.finess}  {r.kind:<7} {r.name}{region}" + ("  [fictitious]" if r.fictitious else "")
        )
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        current = services.establishments.by_finess(args.finess)
        fields = {k: v for k, v in asdict(current).items() if k not in ("id", "fictitious")}
        changes = _changes(args)
        if args.new_finess and args.overseas is None:
            changes["overseas"] = is_overseas_finess(args.new_finess)
        data = replace(EstablishmentInput(**fields), **changes)
        record = services.establishments.update(current.id, data)
    _show(record, args.json, "updated")
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    if args.with_data:
        return _delete_with_data(args)
    if not args.yes:
        raise CliError(f"deleting {args.finess} cannot be undone: add --yes to confirm")
    with services_for(args) as services:
        record = services.establishments.by_finess(args.finess)
        try:
            services.establishments.delete(record.id)
        except ConflictError as err:
            raise CliError(f"{err}, or delete it with all of its data: --with-data") from err
    print(f"establishment deleted: {record.finess} {record.name}")
    return EXIT_OK


def _describe(contents: EstablishmentContents) -> str:
    counts = [f"{count} {name.replace('_', ' ')}" for name, count in asdict(contents).items()]
    return ", ".join(counts)


def _delete_with_data(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        record = services.establishments.by_finess(args.finess)
        if args.confirm_name is None:
            contents = services.establishments.contents(record.id)
            raise CliError(
                f"{record.finess} holds {_describe(contents)}; to delete it with all of"
                f" its data, repeat its name: --confirm-name {record.name!r}"
            )
        deleted = services.establishments.delete_with_data(record.id, args.confirm_name)
    if args.json:
        print_json(deleted)
    else:
        print(
            f"establishment deleted with its data: {record.finess} {record.name}"
            f" ({_describe(deleted.contents)}); copy of the database before: {deleted.backup}"
        )
    return EXIT_OK
