"""Build the one-folder bundle: python packaging/build.py [--distpath D] [--workpath W]."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from icu_data import trim_icu_library  # noqa: E402 (packaging/ is not a package)


def folder_size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1_000_000


def strip_symbols(internal: Path) -> None:
    """Remove debugging symbols (libpython alone carries 17 MB of them).

    Libraries in the wheels' `*.libs/` folders were rewritten by auditwheel (patchelf):
    stripping them breaks their load commands (numpy's OpenBLAS no longer loads), so they
    are left as they are."""
    if shutil.which("strip") is None:
        return
    for path in internal.rglob("*.so*"):
        in_wheel_libs = any(part.endswith(".libs") for part in path.relative_to(internal).parts)
        if path.is_file() and not path.is_symlink() and not in_wheel_libs:
            subprocess.run(["strip", "--strip-unneeded", str(path)], check=False)


def drop_unused_libraries(internal: Path) -> None:
    """Remove the system libraries that no remaining binary needs any more.

    PyInstaller collects the dependencies of every Qt plugin before the spec drops the
    plugins it does not ship (GTK theme, print support...): GTK, cairo, GnuTLS... stay
    behind. Only top-level libraries are candidates; every extension module, Qt library
    and plugin is a root of the dependency walk."""
    from PyInstaller.depend import bindepend

    files = {
        p.relative_to(internal).as_posix(): p
        for p in internal.rglob("*.so*")
        if p.is_file() and not p.is_symlink()
    }
    by_name = {os.path.basename(rel): rel for rel in files}
    by_name.update(
        {p.name: p.resolve().relative_to(internal).as_posix()
         for p in internal.glob("*.so*") if p.is_symlink() and p.resolve().is_file()}
    )  # fmt: skip
    todo = [r for r in files if "/" in r or r.startswith("libpython") or ".cpython-" in r]
    needed: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in needed:
            continue
        needed.add(rel)
        for name, _ in bindepend.get_imports(str(files[rel])):
            if name in by_name:
                todo.append(by_name[name])
    for rel, path in files.items():
        if rel not in needed:
            path.unlink()


def build(distpath: Path, workpath: Path) -> Path:
    import PyInstaller.__main__

    PyInstaller.__main__.run(
        [
            str(HERE / "hospiperf.spec"),
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(distpath),
            "--workpath",
            str(workpath),
        ]
    )
    bundle = distpath / "hospiperf-desktop"
    for library in (bundle / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"):
        if not library.is_symlink():
            trim_icu_library(library)
    strip_symbols(bundle / "_internal")
    drop_unused_libraries(bundle / "_internal")
    return bundle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distpath", type=Path, default=HERE / "dist")
    parser.add_argument("--workpath", type=Path, default=HERE / "build")
    args = parser.parse_args()
    bundle = build(args.distpath, args.workpath)
    print(f"bundle: {bundle} ({folder_size_mb(bundle):.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
