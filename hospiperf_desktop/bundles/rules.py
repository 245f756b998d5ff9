"""Rule packs as files: the shipped default (`resources/rules/checks-default.json`) and the
documents reference packages bring, both checked against `rules.schema.json`."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hospiperf_desktop.bundles.checks import RulePack, rule_pack
from hospiperf_desktop.bundles.payload import validate
from hospiperf_desktop.paths import resource_path

SHIPPED_RULES = ("rules", "checks-default.json")


def read_rules(name: str, document: Any, source: str, package: str | None = None) -> RulePack:
    """A rule pack from a parsed document; BundleRejected naming `name` when it is not one."""
    validate(name, "rules", document)
    return rule_pack(document, source, package)


@cache
def shipped_rule_pack() -> RulePack:
    path = resource_path(*SHIPPED_RULES)
    return read_rules(path.name, json.loads(path.read_text(encoding="utf-8")), "shipped")
