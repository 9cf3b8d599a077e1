"""Report signatures: what is signed, the public key file, the verdicts, where the key is kept."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tthc_desk.exporting.report_signature import (
    INFO,
    KeyRing,
    ReportSigner,
    SignatureProblem,
    canonical_payload,
    public_key_text,
    read_public_key,
    verify_workbook,
)
from tthc_desk.services.report_keys import ReportKeys
from tthc_desk.sync.credentials import InMemoryStore

H01, H02 = "000.11.22.H01", "000.11.22.H02"


def _signer(office: str = H01, seed: int = 1) -> ReportSigner:
    return ReportSigner(office, bytes([seed]) * 32)


def _workbook(path: Path, signer: ReportSigner | None, office: str = H01) -> Path:
    """A small workbook signed the way report_xlsx signs: the signature row written last."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tổng hợp"
    ws.append(["Lĩnh vực", 1428, 1351])
    ws.append(["Chứng thực", 3, 2])
    info = wb.create_sheet(INFO)
    info.append(["key", "value"])
    info.append(["office_id", office])
    info.append(["period_key", "2026-W10"])
    if signer is not None:
        info.append(["signer_office_id", signer.office_id])
        info.append(["signer_key", signer.fingerprint])
        info.append(["signature", ""])
        wb.save(path)
        info.cell(info.max_row, 2, signer.sign(canonical_payload(path)))
    wb.save(path)
    return path


def _edit(path: Path, sheet: str, row: int, col: int, value: object) -> Path:
    wb = load_workbook(path)
    wb[sheet].cell(row, col, value)
    wb.save(path)
    return path


def _ring(tmp_path: Path, *signers: ReportSigner) -> KeyRing:
    folder = tmp_path / "khoa"
    folder.mkdir(exist_ok=True)
    for s in signers:
        text = public_key_text(s.office_id, "UBND xã An Bình", s.public)
        (folder / f"{s.office_id}.txt").write_text(text, encoding="utf-8")
    return KeyRing.from_folder(folder)


def test_the_payload_covers_every_cell_but_the_signature(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", _signer())
    before = canonical_payload(path)
    wb = load_workbook(path)
    wb[INFO].cell(wb[INFO].max_row, 2, "ed25519:khác")
    wb.save(tmp_path / "b.xlsx")
    assert canonical_payload(tmp_path / "b.xlsx") == before  # only the signature differs
    for sheet, row, col, value in (
        ("Tổng hợp", 1, 2, 1351),
        ("Tổng hợp", 2, 4, "=B2+1"),  # a formula is signed as its text
        ("Tổng hợp", 40, 1, "thêm dòng"),
        (INFO, 2, 2, H02),
        (INFO, 5, 2, "khác"),  # the signer's key fingerprint
    ):
        copy = tmp_path / "c.xlsx"
        copy.write_bytes(path.read_bytes())
        assert canonical_payload(_edit(copy, sheet, row, col, value)) != before, (sheet, row)
    wb = load_workbook(path)
    wb.create_sheet("Thêm")["A1"] = "x"
    wb.save(tmp_path / "d.xlsx")
    assert canonical_payload(tmp_path / "d.xlsx") != before
    with pytest.raises(SignatureProblem, match="không phải bảng tính"):
        canonical_payload(b"PK not a workbook")


def test_text_is_compared_in_nfc(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", None)
    before = canonical_payload(path)
    decomposed = unicodedata.normalize("NFD", "Chứng thực")
    assert decomposed != "Chứng thực"
    assert canonical_payload(_edit(path, "Tổng hợp", 2, 1, decomposed)) == before


def test_verdicts(tmp_path: Path) -> None:
    h01, h02, stranger = _signer(H01, 1), _signer(H02, 2), _signer(H01, 3)
    ring = _ring(tmp_path, h01, h02)
    assert verify_workbook(_workbook(tmp_path / "ok.xlsx", h01), ring).kind == "ok"
    assert verify_workbook(_workbook(tmp_path / "u.xlsx", None), ring).kind == "unsigned"
    unknown = verify_workbook(_workbook(tmp_path / "k.xlsx", stranger), ring)
    assert unknown.kind == "unknown" and "khóa đã đăng ký của 000.11.22.H01 khác" in unknown.why
    edited = _edit(_workbook(tmp_path / "e.xlsx", h01), "Tổng hợp", 1, 2, 1351)
    assert verify_workbook(edited, ring).kind == "forged"
    # Signed by the key of H02, for a workbook that says it is H01's.
    claimed = _workbook(tmp_path / "c.xlsx", ReportSigner(H02, h02.private), office=H01)
    verdict = verify_workbook(claimed, ring)
    assert verdict.kind == "forged" and "khác cơ quan của khóa đã ký (000.11.22.H02)" in verdict.why


def test_public_key_file(tmp_path: Path) -> None:
    s = _signer()
    path = tmp_path / "k.txt"
    path.write_text(public_key_text(H01, "UBND xã An Bình", s.public), encoding="utf-8")
    key = read_public_key(path)
    assert (key.office_id, key.office_name, key.key) == (H01, "UBND xã An Bình", s.public)
    assert key.fingerprint == s.fingerprint and s.fingerprint in path.read_text(encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    for broken, says in (
        (["Khóa gì đó", *lines[1:]], "không phải tệp khóa công khai"),
        ([*lines[:4], "public_key: AAAA", lines[5]], "không hợp lệ"),
        ([*lines[:5], "fingerprint: 0000"], "dấu vân tay"),
        ([lines[0], *lines[2:]], "thiếu mã cơ quan"),
    ):
        path.write_text("\n".join(broken), encoding="utf-8")
        with pytest.raises(SignatureProblem, match=says):
            read_public_key(path)
    folder = tmp_path / "hai"
    folder.mkdir()
    for office in (H01, H02):  # one key registered for two offices
        (folder / f"{office}.txt").write_text(public_key_text(office, "", s.public), "utf-8")
    with pytest.raises(SignatureProblem, match="hai cơ quan"):
        KeyRing.from_folder(folder)


def test_the_private_key_is_made_once_and_kept_in_the_keyring(tmp_path: Path) -> None:
    store = InMemoryStore()
    keys = ReportKeys(store, tmp_path / "keys")
    first = keys.signer("abc", H01)
    assert keys.signer("abc", H01).private == first.private
    assert keys.signer("other", H01).private != first.private
    assert list(store.secrets) == ["report-signing-key:abc", "report-signing-key:other"]
    assert not (tmp_path / "keys").exists()
    assert first.private.hex() not in repr(first)
    no_keyring = ReportKeys(InMemoryStore(available=False), tmp_path / "keys")
    assert no_keyring.signer("abc", H01).private == no_keyring.signer("abc", H01).private
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["report-signing-key-abc.key"]
