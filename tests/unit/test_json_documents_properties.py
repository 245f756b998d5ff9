"""Property tests of every JSON document a user can give: any change of shape or value is
refused with a message (never an AttributeError, TypeError or KeyError traceback)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospiperf_desktop.bundles.keys import KeyFileError, read_public_key
from hospiperf_desktop.calculators.files import read_scenarios
from hospiperf_desktop.diagnostics.loader import TemplateError, parse_template
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.stock.mapping import ColumnMapping

ROOT = Path(__file__).parent.parent.parent
QUESTIONNAIRE = ROOT / "tests" / "fixtures" / "questionnaires" / "test-mini.json"
LOGISTICS = ROOT / "resources" / "examples" / "logistique-ght.json"
MAPPING = {"format": 1, "kind": "snapshot", "columns": {"product_code": "Code", "quantity": "Qté"}}
KEY = {
    "format": "hospiperf-public-key/1",
    "finess": "690990015",
    "algorithm": "Ed25519",
    "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
}
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def nodes(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document (the paths of its values)."""
    found = [path]
    if isinstance(document, dict):
        for key, value in document.items():
            found += nodes(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += nodes(value, (*path, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def mutated(data: st.DataObject, document: Any) -> Any:
    places = nodes(document)
    place = data.draw(st.sampled_from(places[:400]))
    return replaced(document, place, data.draw(any_json))


def written(name: str, document: Any) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@SETTINGS
@given(st.data())
def test_a_questionnaire_of_any_shape_is_loaded_or_refused(data: st.DataObject) -> None:
    document = mutated(data, json.loads(QUESTIONNAIRE.read_text(encoding="utf-8")))
    try:
        parse_template(json.dumps(document).encode(), "q.json")
    except TemplateError as err:
        assert len(str(err)) < 20_000


@SETTINGS
@given(st.data())
def test_calculator_inputs_of_any_shape_are_read_or_refused(data: st.DataObject) -> None:
    document = mutated(data, json.loads(LOGISTICS.read_text(encoding="utf-8")))
    try:
        read_scenarios(written("inputs.json", document))
    except FileImportError as err:
        assert len(str(err)) < 4_000


@SETTINGS
@given(st.data())
def test_a_mapping_of_any_shape_is_read_or_refused(data: st.DataObject) -> None:
    try:
        ColumnMapping.from_file(written("mapping.json", mutated(data, MAPPING)))
    except FileImportError as err:
        assert len(str(err)) < 1_024


@SETTINGS
@given(st.data())
def test_a_public_key_file_of_any_shape_is_read_or_refused(data: st.DataObject) -> None:
    try:
        read_public_key(written("key.pub.json", mutated(data, KEY)))
    except KeyFileError as err:
        assert len(str(err)) < 1_024
