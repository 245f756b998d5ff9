"""Rebuild Qt's ICU data library with only what a French application reads (32 MB -> 4 MB).

`libicudata.so.NN` is one exported symbol, `icudtNN_dat`: an ICU "common data" package (a
header, a table of contents of named items, then the items). Qt uses ICU for collation,
case mapping and time-zone names in the user's locale; its own number and date formats come
from Qt's CLDR tables, not ICU. So the package keeps every item except:

- locale resources of languages other than French and English (`coll/de.res`, `zh_Hant.res`…;
  `root`, `pool` and `res_index` stay, as do the non-locale tables such as `supplementalData`);
- the legacy conversion tables (`*.cnv`: Qt converts UTF-8/16 and Latin-1 itself, the core
  reads files in Python) but Windows-1252 and ISO-8859-15, the CJK/Thai word dictionaries
  (`brkitr/*.dict`), the transliterators and the Unicode character names.

The rebuilt library exports the same symbol under the same soname, compiled from an assembly
file that includes the trimmed package (`cc` is required; without it the library is kept).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

KEPT_LANGUAGES = ("fr", "en")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")
_DROPPED_SUFFIXES = (".cnv", ".dict")
KEPT_CONVERTERS = ("ibm-5348_P100-1997.cnv", "ibm-923_P100-1998.cnv")  # Windows-1252, Latin-9
SHARED_BUNDLES = ("root", "pool", "res_index")  # in every tree; `res_index` looks like a locale
_SHT_DYNSYM = 11


def keep_item(name: str) -> bool:
    """`name` is an item path inside the package, such as `coll/fr_CA.res`."""
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    if base in KEPT_CONVERTERS:
        return True
    if base.endswith(_DROPPED_SUFFIXES) or folder == "translit" or base == "unames.icu":
        return False
    if f"{dot}{suffix}" == ".res" and _LOCALE.match(stem) and stem not in SHARED_BUNDLES:
        return stem.split("_")[0] in KEPT_LANGUAGES
    return True


def _data_symbol(elf: bytes) -> tuple[str, int, int]:
    """(name, file offset, size) of the `icudt*_dat` symbol of a 64-bit ELF library."""
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    dynsym = next(s for s in sections if s[1] == _SHT_DYNSYM)
    strtab = sections[dynsym[6]]
    for at in range(dynsym[4], dynsym[4] + dynsym[5], 24):
        name_at, _info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", elf, at)
        start = strtab[4] + name_at
        name = elf[start : elf.index(b"\0", start)].decode()
        if name.startswith("icudt") and name.endswith("_dat"):
            section = sections[shndx]
            return name, value - section[3] + section[4], size
    raise ValueError("no icudt*_dat symbol")


def _items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, data) items, in table-of-contents order."""
    (header_size,) = struct.unpack_from("<H", package, 0)
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = package[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = sorted({offset for _, offset in entries} | {len(toc)})
    items = []
    for name_at, offset in entries:
        name = toc[name_at : toc.index(b"\0", name_at)].decode("ascii")
        items.append((name, toc[offset : ends[ends.index(offset) + 1]]))
    return package[:header_size], items


def _package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A common data package of `items` (names sorted as ICU's binary search expects)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items) + len(names)
    data_start = -(-(len(header) + toc_size) // 16) * 16 - len(header)
    toc, strings, blobs = [struct.pack("<I", len(items))], b"", b""
    for name, data in items:
        toc.append(struct.pack("<II", 4 + 8 * len(items) + len(strings), data_start + len(blobs)))
        strings += name.encode("ascii") + b"\0"
        blobs += data + b"\xaa" * (-len(data) % 16)
    body = b"".join(toc) + strings
    return header + body + b"\xaa" * (data_start - len(body)) + blobs


def trim_package(package: bytes) -> bytes:
    header, items = _items(package)
    prefix = items[0][0].split("/", 1)[0] + "/"  # "icudt73l/"
    kept = [(name, data) for name, data in items if keep_item(name.removeprefix(prefix))]
    return _package(header, sorted(kept))


def trim_icu_library(library: Path) -> bool:
    """Replace `library` (libicudata.so.NN) by a trimmed build; False when no `cc` exists."""
    compiler = shutil.which("cc")
    if compiler is None:
        print(f"warning: no C compiler, {library.name} is kept whole")
        return False
    elf = library.read_bytes()
    symbol, offset, size = _data_symbol(elf)
    package = trim_package(elf[offset : offset + size])
    with tempfile.TemporaryDirectory() as folder:
        data, source = Path(folder) / "icudata.dat", Path(folder) / "icudata.S"
        data.write_bytes(package)
        source.write_text(
            f".section .rodata\n.balign 16\n.globl {symbol}\n.type {symbol}, @object\n"
            f'{symbol}:\n.incbin "{data}"\n.size {symbol}, . - {symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n'
        )
        built = Path(folder) / library.name
        subprocess.run(
            [compiler, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-Wl,-s",
             "-o", str(built), str(source)],
            check=True,
        )  # fmt: skip
        shutil.copyfile(built, library)
    return True
