"""The bounded parse and the schemas of bundle payloads: any document, a refusal or a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from hospiperf_desktop.bundles.payload import MAX_JSON_DEPTH, bounded_json, validate
from hospiperf_desktop.bundles.verify import BundleRejected

SCHEMAS = sorted((Path(__file__).parents[2] / "resources" / "schemas").glob("bundle-*.json"))
NAMES = [path.name.removesuffix(".schema.json") for path in SCHEMAS]

json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


def test_every_bundle_schema_is_a_valid_json_schema() -> None:
    assert len(SCHEMAS) == 8
    for path in SCHEMAS:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_nesting_past_the_limit_is_refused_before_parsing(depth: int) -> None:
    with pytest.raises(BundleRejected) as caught:
        bounded_json("data/x.json", b"[" * depth + b"]" * depth)
    assert caught.value.reason == "payload_too_deep"


def test_nesting_inside_strings_does_not_count() -> None:
    text = json.dumps(["[" * 1000, {"a": "{{{{"}]).encode()
    assert bounded_json("data/x.json", text) == ["[" * 1000, {"a": "{{{{"}]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_numbers_that_are_not_finite_are_refused(constant: bytes) -> None:
    with pytest.raises(BundleRejected, match=constant.decode()):
        bounded_json("data/x.json", b"[1, " + constant + b"]")


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_parse_or_are_refused_with_a_short_message(raw: bytes) -> None:
    try:
        bounded_json("data/x.json", raw)
    except BundleRejected as err:
        assert str(err).startswith("data/x.json: ")
        assert len(str(err)) < 400 and str(err).isprintable()


@settings(max_examples=60, deadline=None)
@given(document=json_values, schema=st.sampled_from(NAMES))
def test_any_document_is_valid_or_refused_naming_a_path(document: object, schema: str) -> None:
    try:
        validate("data/x.json", schema, document)
    except BundleRejected as err:
        assert err.reason == "bad_payload"
        assert str(err).startswith("data/x.json: at /")
        assert len(str(err)) < 400 and str(err).isprintable()


def test_the_stock_document_takes_unusual_values_and_does_without_them() -> None:
    older = {"at": "2026-03-31", "coverage": []}
    validate("data/stock/indicators.json", "bundle-stock", older)
    value = {
        "product_code": "340093", "field": "quantity", "value": 2e6, "low": 0, "high": 1e6,
        "justification": "Gants à l'unité", "origin": "import", "file": "f.csv", "line": 3,
        "column": "D (Quantité)", "day": "2026-03-31", "confirmed_at": "2026-04-02T10:15:00",
    }  # fmt: skip
    validate("data/stock/indicators.json", "bundle-stock", older | {"unusual_values": [value]})
    for bad in ({"origin": "guessed"}, {"justification": ""}, {"product_code": "x" * 41}):
        with pytest.raises(BundleRejected, match="unusual_values/0"):
            validate(
                "data/stock/indicators.json",
                "bundle-stock",
                older | {"unusual_values": [value | bad]},
            )
