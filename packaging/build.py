"""Build the one-folder bundle: python packaging/build.py [--distpath D] [--workpath W]."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def folder_size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1_000_000


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
    return distpath / "hospiperf-desktop"


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
