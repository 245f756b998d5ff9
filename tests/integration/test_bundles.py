"""Bundles: made by the application, then tampered with in every way; each refusal has its
own reason and message, and verification writes nothing to disk."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest
from bundle_support import PASSPHRASE, entries, make_bundle, rewrite
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hospiperf_desktop.bundles.bag import MANIFEST, SIGNATURE, TAGMANIFEST
from hospiperf_desktop.bundles.keys import PublicKey, read_public_key
from hospiperf_desktop.bundles.verify import (
    BundleRejected,
    Limits,
    trusted_by_finess,
    verify_bundle,
)
from hospiperf_desktop.errors import ConflictError, ValidationError
from hospiperf_desktop.services import Services


@pytest.fixture
def bundle(services: Services, tmp_path: Path) -> Path:
    return make_bundle(services, tmp_path / "paquet.zip")


@pytest.fixture
def trusted(services: Services, bundle: Path) -> dict[str, list[PublicKey]]:
    finess = verify_info_finess(bundle)
    return trusted_by_finess([services.bundles.keys.public_key(finess)])


def verify_info_finess(path: Path) -> str:
    info = entries(path)["bag-info.txt"].decode()
    return next(line.split(": ", 1)[1] for line in info.splitlines() if line.startswith("FINESS"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rehash(files: dict[str, bytes], name: str) -> None:
    """Update the manifest line of `name` after changing it (a careful forger)."""
    lines = files[MANIFEST].decode().splitlines()
    lines = [
        f"{_sha(files[name])}  {name}" if line.endswith(f"  {name}") else line for line in lines
    ]
    files[MANIFEST] = ("\n".join(lines) + "\n").encode()


def _retag(files: dict[str, bytes]) -> None:
    """Rewrite the tag manifest over the (changed) tag files."""
    names = ("bag-info.txt", "bagit.txt", MANIFEST)
    files[TAGMANIFEST] = "".join(f"{_sha(files[n])}  {n}\n" for n in sorted(names)).encode()


def _refused(path: Path, trusted, reason: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(BundleRejected) as caught:
        verify_bundle(path, trusted, **kwargs)
    assert caught.value.reason == reason, str(caught.value)
    return str(caught.value)


def test_a_bundle_made_by_the_application_verifies(
    bundle: Path, trusted, services: Services
) -> None:
    verified = verify_bundle(bundle, trusted)
    info = verified.info
    assert set(info) >= {
        "FINESS",
        "Establishment-Name",
        "Period",
        "Created",
        "Software-Version",
        "Bundle-UUID",
        "Public-Key-Fingerprint",
        "Payload-Oxum",
    }
    assert info["Period"] == "2026"
    assert "data/bundle.json" in verified.payload_names
    assert "data/activity/work-units-2026.json" in verified.json
    with zipfile.ZipFile(bundle) as archive:
        assert {e.compress_type for e in archive.infolist()} == {zipfile.ZIP_STORED}
        names = archive.namelist()
    assert not any(
        n.endswith(".pem") or "PRIVATE" in entries(bundle)[n].decode("latin-1") for n in names
    ), "the private key never travels"


def test_the_private_key_is_encrypted_and_owner_only(services: Services, bundle: Path) -> None:
    finess = verify_info_finess(bundle)
    info = services.bundles.keys.info(finess)
    assert stat.S_IMODE(os.stat(info.private_path).st_mode) == 0o600
    pem = info.private_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    with pytest.raises(ConflictError, match="wrong passphrase"):
        services.bundles.keys.private_key(finess, "not the passphrase")
    assert services.bundles.keys.private_key(finess, PASSPHRASE) is not None
    assert len(info.words.split()) == 10
    with pytest.raises(ValidationError):
        services.bundles.keys.generate("750000001", "court")
    assert read_public_key(info.public_path).fingerprint == info.fingerprint


# --- tampering with each part ------------------------------------------------------------------


def test_a_changed_payload_byte(bundle: Path, trusted, tmp_path: Path) -> None:
    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        data = bytearray(files["data/establishment.json"])
        data[10] ^= 0x01
        files["data/establishment.json"] = bytes(data)
        return files

    message = _refused(
        rewrite(bundle, tmp_path / "t.zip", change), trusted, "payload_hash_mismatch"
    )
    assert "data/establishment.json" in message


def test_a_changed_manifest_line(bundle: Path, trusted, tmp_path: Path) -> None:
    def alone(files: dict[str, bytes]) -> dict[str, bytes]:
        files[MANIFEST] = files[MANIFEST].replace(files[MANIFEST][:8], b"00000000", 1)
        return files

    _refused(rewrite(bundle, tmp_path / "a.zip", alone), trusted, "payload_hash_mismatch")

    def careful(files: dict[str, bytes]) -> dict[str, bytes]:
        files["data/establishment.json"] = files["data/establishment.json"].replace(b"120", b"999")
        _rehash(files, "data/establishment.json")
        return files

    message = _refused(rewrite(bundle, tmp_path / "b.zip", careful), trusted, "tag_hash_mismatch")
    assert MANIFEST in message


def test_a_changed_bag_info(bundle: Path, trusted, tmp_path: Path) -> None:
    def period(files: dict[str, bytes]) -> dict[str, bytes]:
        files["bag-info.txt"] = files["bag-info.txt"].replace(b"Period: 2026", b"Period: 2025")
        return files

    message = _refused(rewrite(bundle, tmp_path / "a.zip", period), trusted, "tag_hash_mismatch")
    assert "bag-info.txt" in message

    def period_and_tags(files: dict[str, bytes]) -> dict[str, bytes]:
        period(files)
        _retag(files)
        return files

    _refused(rewrite(bundle, tmp_path / "b.zip", period_and_tags), trusted, "bad_signature")


def test_a_changed_signature(bundle: Path, trusted, tmp_path: Path) -> None:
    def flip(files: dict[str, bytes]) -> dict[str, bytes]:
        raw = bytearray(base64.b64decode(files[SIGNATURE]))
        raw[0] ^= 0x80
        files[SIGNATURE] = base64.b64encode(bytes(raw)) + b"\n"
        return files

    _refused(rewrite(bundle, tmp_path / "a.zip", flip), trusted, "bad_signature")

    def drop(files: dict[str, bytes]) -> dict[str, bytes]:
        del files[SIGNATURE]
        return files

    _refused(rewrite(bundle, tmp_path / "b.zip", drop), trusted, "missing_signature")


def test_a_file_added(bundle: Path, trusted, tmp_path: Path) -> None:
    def add(files: dict[str, bytes]) -> dict[str, bytes]:
        files["data/extra.json"] = b"{}"
        return files

    message = _refused(rewrite(bundle, tmp_path / "a.zip", add), trusted, "unlisted_file")
    assert "data/extra.json" in message

    def add_and_list(files: dict[str, bytes]) -> dict[str, bytes]:
        add(files)
        files[MANIFEST] += f"{_sha(b'{}')}  data/extra.json\n".encode()
        info = files["bag-info.txt"].decode().splitlines()
        octets, count = (
            next(x for x in info if x.startswith("Payload-Oxum")).split(": ")[1].split(".")
        )
        info = [
            x
            if not x.startswith("Payload-Oxum")
            else f"Payload-Oxum: {int(octets) + 2}.{int(count) + 1}"
            for x in info
        ]
        files["bag-info.txt"] = ("\n".join(info) + "\n").encode()
        _retag(files)
        return files

    _refused(rewrite(bundle, tmp_path / "b.zip", add_and_list), trusted, "bad_signature")

    def top_level(files: dict[str, bytes]) -> dict[str, bytes]:
        files["readme.txt"] = b"hello"
        return files

    _refused(rewrite(bundle, tmp_path / "c.zip", top_level), trusted, "unexpected_file")


def test_a_file_removed(bundle: Path, trusted, tmp_path: Path) -> None:
    def remove(files: dict[str, bytes]) -> dict[str, bytes]:
        del files["data/establishment.json"]
        return files

    message = _refused(rewrite(bundle, tmp_path / "a.zip", remove), trusted, "missing_file")
    assert "data/establishment.json" in message

    def remove_tag(files: dict[str, bytes]) -> dict[str, bytes]:
        del files[TAGMANIFEST]
        return files

    _refused(rewrite(bundle, tmp_path / "b.zip", remove_tag), trusted, "missing_tag_file")


def test_the_wrong_key(bundle: Path, services: Services, tmp_path: Path) -> None:
    finess = verify_info_finess(bundle)
    stranger = Ed25519PrivateKey.generate()
    raw = stranger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    other_key = PublicKey(finess, raw)
    message = _refused(bundle, {finess: [other_key]}, "unknown_key")
    assert finess in message
    _refused(bundle, {"750000001": [services.bundles.keys.public_key(finess)]}, "untrusted_finess")

    def forged(files: dict[str, bytes]) -> dict[str, bytes]:
        # A forger signs with their own key but names the trusted key's fingerprint.
        files[SIGNATURE] = base64.b64encode(stranger.sign(files[TAGMANIFEST])) + b"\n"
        return files

    trusted = trusted_by_finess([services.bundles.keys.public_key(finess)])
    _refused(rewrite(bundle, tmp_path / "f.zip", forged), trusted, "bad_signature")


# --- unsafe zips -------------------------------------------------------------------------------


def _zip_with(tmp_path: Path, bundle: Path, name: str, data: bytes = b"x", **info) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "unsafe.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for existing, content in entries(bundle).items():
            archive.writestr(existing, content)
        entry = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(entry, key, value)
        archive.writestr(entry, data)
    return target


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../evil.sh", "unsafe_path"),
        ("data/../../evil.sh", "unsafe_path"),
        ("/etc/cron.d/evil", "unsafe_path"),
        ("C:/Windows/evil.dll", "unsafe_path"),
        ("data\\evil.json", "unsafe_path"),
        ("data/establishment.json", "duplicate_name"),
        ("data/ESTABLISHMENT.json", "case_collision"),
    ],
)
def test_unsafe_entries(bundle: Path, trusted, tmp_path: Path, name: str, reason: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        path = _zip_with(tmp_path, bundle, name)
    _refused(path, trusted, reason)


def test_a_link_and_an_encrypted_entry(bundle: Path, trusted, tmp_path: Path) -> None:
    link = _zip_with(
        tmp_path, bundle, "data/link", b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16
    )
    _refused(link, trusted, "link")
    encrypted = _zip_with(tmp_path, bundle, "data/secret.json", b"{}")
    _set_encrypted_flag(encrypted, b"data/secret.json")
    _refused(encrypted, trusted, "encrypted")


def _set_encrypted_flag(path: Path, name: bytes) -> None:
    """Set bit 0 (encrypted) of `name`'s flags in the central directory, as a tool would."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + b"", 0)
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == name:
            data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_bomb(bundle: Path, trusted, tmp_path: Path) -> None:
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries(bundle).items():
            archive.writestr(name, content)
        archive.writestr("data/bomb.json", b"\0" * (20 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    message = _refused(target, trusted, "compression_ratio")
    assert "zip bomb" in message
    _refused(bundle, trusted, "too_large", limits=Limits(max_total_bytes=1000))


def test_not_a_zip(tmp_path: Path, trusted) -> None:
    path = tmp_path / "paquet.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    _refused(path, trusted, "not_a_zip")


def test_verification_writes_nothing_to_disk(bundle: Path, trusted, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.rglob("*"))
    verify_bundle(bundle, trusted)
    path = _zip_with(tmp_path, bundle, "../../evil.sh")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    _refused(path, trusted, "unsafe_path")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path.parent.parent / "evil.sh").exists()
