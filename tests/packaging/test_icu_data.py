"""packaging/icu_data.py: Qt's ICU data keeps French, English and the shared tables, unchanged."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from icu_data import _data_symbol, _items, _package, keep_item, trim_icu_library  # noqa: E402

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def library() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 ships no ICU data library")
    return found[-1].resolve()


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("coll/fr.res", True), ("coll/fr_CA.res", True), ("en_GB.res", True),
        ("root.res", True), ("coll/root.res", True), ("pool.res", True),
        ("res_index.res", True), ("supplementalData.res", True), ("units.res", True),
        ("coll/ucadata.icu", True), ("nfkc.nrm", True), ("cnvalias.icu", True),
        ("brkitr/line.brk", True), ("ibm-5348_P100-1997.cnv", True),
        ("coll/de.res", False), ("zh_Hant_TW.res", False), ("curr/ja.res", False),
        ("ibm-943_P15A-2003.cnv", False), ("brkitr/cjdict.dict", False),
        ("translit/root.res", False), ("unames.icu", False),
    ],
)  # fmt: skip
def test_french_english_and_the_shared_tables_are_kept(name, kept):
    assert keep_item(name) is kept


def test_the_package_is_rewritten_byte_for_byte_and_its_items_unchanged(library):
    elf = library.read_bytes()
    _symbol, offset, size = _data_symbol(elf)
    package = elf[offset : offset + size]
    header, items = _items(package)
    assert _package(header, items) == package
    assert items[0][0].endswith("/af.res") and len(items) > 3000


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_the_rebuilt_library_holds_the_kept_items_only(library, tmp_path):
    copy = tmp_path / library.name
    shutil.copyfile(library, copy)
    assert trim_icu_library(copy)
    elf = copy.read_bytes()
    symbol, offset, size = _data_symbol(elf)
    _header, items = _items(elf[offset : offset + size])
    _header, original = _items(library.read_bytes()[slice(*_span(library))])
    prefix = original[0][0].split("/", 1)[0] + "/"
    expected = [(n, d) for n, d in original if keep_item(n.removeprefix(prefix))]
    assert symbol.startswith("icudt") and items == expected
    assert copy.stat().st_size < library.stat().st_size / 5


def _span(library: Path) -> tuple[int, int]:
    _symbol, offset, size = _data_symbol(library.read_bytes())
    return offset, offset + size
