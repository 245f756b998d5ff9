"""The bounded JSON loader: every hostile document is refused with a short, clean message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospiperf_desktop.errors import FileImportError, InputFileError
from hospiperf_desktop.jsonfiles import (
    MAX_JSON_DEPTH,
    load_json_file,
    load_json_text,
    nesting_depth,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def refusal(text: str, **kwargs: object) -> str:
    with pytest.raises(InputFileError) as caught:
        load_json_text(text, "inputs.json", **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert len(message.encode()) < 1024 and not CONTROL.search(message)
    return message


def test_a_million_nested_brackets_are_refused_without_recursion() -> None:
    message = refusal("[" * 1_000_000 + "]" * 1_000_000)
    assert "nested 1000000 levels deep; the limit is 64" in message


def test_nesting_at_the_limit_is_accepted_and_one_past_it_refused() -> None:
    assert load_json_text("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, "a.json") is not None
    assert "limit is 64" in refusal("[" * 65 + "]" * 65)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert nesting_depth('["[[[[\\"{{{{", {"k": "]]]"}]') == 2


def test_nan_infinity_and_overflowing_numbers_are_refused() -> None:
    assert "NaN is not a number" in refusal('{"a": NaN}')
    assert "Infinity is not a number" in refusal("[-Infinity]")
    assert "'1e999' is too large" in refusal('{"distance_km": 1e999}')


def test_an_integer_of_a_million_digits_is_refused_as_a_message() -> None:
    assert "a number too long" in refusal("9" * 1_000_000)


def test_a_key_given_twice_is_refused() -> None:
    assert "the key 'name' appears twice" in refusal('{"name": "a", "name": "b"}')


def test_nul_inside_text_is_refused_with_its_place_and_not_echoed() -> None:
    message = refusal('{"sites": [{"name": "ok"}, {"name": "bad\\u0000"}]}')
    assert message.startswith("inputs.json, $.sites[1].name: ")
    assert "control character" in message


def test_tab_and_newline_inside_text_are_accepted() -> None:
    assert load_json_text('["a\\tb\\nc"]', "a.json") == ["a\tb\nc"]


def test_syntax_errors_name_line_and_column() -> None:
    assert refusal('{\n  "a": 1,\n}').startswith("inputs.json, line 3, column 1: invalid JSON")


def test_a_file_past_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"1," * 600 + b"1]")
    with pytest.raises(InputFileError, match="holds 1,203 bytes; the limit is 1,000"):
        load_json_file(path, max_bytes=1000)


def test_a_file_of_nul_bytes_gets_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    path.write_bytes(b"\x00" * 4096)
    with pytest.raises(InputFileError) as caught:
        load_json_file(path)
    assert len(str(caught.value)) < 200 and "\x00" not in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"name": "Hôpital"}', encoding=encoding)
    assert load_json_file(path) == {"name": "Hôpital"}


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        load_json_file(tmp_path / "missing.json")
    with pytest.raises(InputFileError, match="not a file"):
        load_json_file(tmp_path)


def test_the_loader_error_is_an_import_error_the_cli_and_window_already_show() -> None:
    assert issubclass(InputFileError, FileImportError)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8, alphabet="abcxyz_"), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_clean_document_round_trips(value: object) -> None:
    assert load_json_text(json.dumps(value), "a.json") == value


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_loaded_or_refused_with_a_short_clean_message(text: str) -> None:
    try:
        load_json_text(text, "a.json")
    except InputFileError as err:
        assert len(str(err).encode()) < 1024 and not CONTROL.search(str(err))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "{", "}", '"', "\\", ",", ":", "1", "a"]), max_size=400))
def test_bracket_soup_never_raises_anything_but_a_refusal(chars: list[str]) -> None:
    try:
        load_json_text("".join(chars), "a.json")
    except InputFileError as err:
        assert len(str(err)) < 1024


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        (
            "calculator-logistics",
            '{"scenarios": [{"name": "a", "sites": [{"name": "x"}, [1, 2]]}]}',
            "inputs.json, $.scenarios[0].sites[1]: expected an object",
        ),
        (
            "calculator-logistics",
            '{"scenarios": [{"name": "a", "ght_class": {"x": 1}}]}',
            "inputs.json, $.scenarios[0].ght_class: expected a text, a number, true or false "
            "or null",
        ),
        (
            "calculator-logistics",
            '{"scenarios": []}',
            "inputs.json, $.scenarios: must list at least 1 item",
        ),
        (
            "stock-mapping",
            '{"kind": "inventory", "columns": {}}',
            "inputs.json, $.kind: expected one of 'snapshot', 'movements'",
        ),
        ("stock-mapping", '{"kind": "snapshot"}', "inputs.json, $: missing key 'columns'"),
        (
            "public-key",
            '{"format": "hospiperf-public-key/1", "finess": "../etc", "algorithm": "Ed25519",'
            ' "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}',
            "inputs.json, $.finess: has not the expected form",
        ),
        ("questionnaire", '{"volets": [1]}', "inputs.json, $.volets[0]: expected an object"),
    ],
)
def test_schema_problems_name_their_place_in_the_document(
    schema: str, text: str, expected: str
) -> None:
    assert refusal(text, schema_name=schema) == expected


def test_a_document_with_many_schema_problems_lists_five_and_counts_the_rest() -> None:
    sites = ", ".join("[1]" for _ in range(12))
    message = refusal(
        f'{{"scenarios": [{{"name": "a", "sites": [{sites}]}}]}}',
        schema_name="calculator-logistics",
    )
    assert message.count("expected an object") == 5
    assert message.endswith("inputs.json: and 7 more problems")


def test_every_shipped_schema_is_a_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    from hospiperf_desktop.paths import resource_path

    schemas = sorted(resource_path("schemas").glob("*.schema.json"))
    assert len(schemas) >= 4
    for path in schemas:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
