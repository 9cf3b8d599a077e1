"""Scanned papers and results (issue 15): encrypted and kept once, checked by hash, viewed and
exported only by the roles that handle dossiers, every view and export journalled."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import text

from tests.conftest import TEST_PASSWORD, make_draft, open_test_services
from tthc_desk.db.blobs import FOLDER, DbBlobStore, FileBlobStore, attachment_key
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import ForbiddenError, NotFoundError, ScanError, ValidationError
from tthc_desk.domain.journal import JournalEntry, JournalKind
from tthc_desk.domain.scans import AttachmentSlot, Validity
from tthc_desk.paths import AppPaths
from tthc_desk.presentation import journal_details
from tthc_desk.services.container import Services
from tthc_desk.services.journal_service import JournalFilter

OTHER = Person(full_name="Lê Văn Tám", id_number="001090011111", phone="0987654321")


@dataclass(frozen=True)
class Pdf:
    """What the scanning package's ``ComposedPdf`` is: the bytes and the page count."""

    data: bytes
    pages: int


def make_pdf(label: str, pages: int = 1) -> Pdf:
    """A small PDF whose pages carry ``label`` (a scan's stand-in)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=0, invariant=1)
    for page in range(pages):
        canvas.drawString(72, 720, f"{label} trang {page + 1}")
        canvas.showPage()
    canvas.save()
    return Pdf(buffer.getvalue(), pages)


def _login(svc: Services, username: str) -> None:
    svc.accounts.login(username, TEST_PASSWORD)


def _entries(svc: Services, kind: JournalKind) -> list[JournalEntry]:
    _login(svc, "binh")
    return list(svc.journal.entries(JournalFilter(kinds=[kind.value])))


def _tamper(svc: Services, sha256: str) -> None:
    """Flip one byte of the stored form of ``sha256``, where the office keeps it."""
    blobs = svc.attachments.blobs
    if isinstance(blobs, FileBlobStore):
        path = blobs.path(sha256)
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        path.write_bytes(bytes(raw))
        return
    raw = bytearray(blobs.raw(sha256))
    raw[len(raw) // 2] ^= 0x01
    with svc.db.session(write=True) as s:
        s.execute(
            text("UPDATE blob_data SET data = :d WHERE sha256 = :s"), {"d": bytes(raw), "s": sha256}
        )


def test_a_paper_is_attached_replaced_and_listed(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    first = services.attachments.attach_paper(code, 1, make_pdf("tờ khai", 2))
    assert (first.slot, first.paper_no, first.pages) == (AttachmentSlot.PAPER, 1, 2)
    assert first.paper_name == "Tờ khai đăng ký khai sinh"
    assert first.attached_by == "Trần Thị Bình" and first.reused_from is None
    again = services.attachments.attach_paper(code, 1, make_pdf("tờ khai quét lại"))
    result = services.attachments.attach_result(code, make_pdf("trích lục"))
    listed = services.attachments.of_dossier(code)
    assert [a.id for a in listed] == [again.id, result.id]  # the first scan was replaced
    assert services.attachments.content(again.id) == make_pdf("tờ khai quét lại").data


def test_a_paper_number_outside_the_checklist_is_refused(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    with pytest.raises(ValidationError, match="không có giấy tờ số 3"):
        services.attachments.attach_paper(code, 3, make_pdf("x"))
    with pytest.raises(ScanError, match="PDF"):
        services.attachments.attach_paper(code, 1, Pdf(b"\xff\xd8\xff\xe0 a jpeg", 1))
    assert services.attachments.of_dossier(code) == []


@pytest.mark.sqlite_only
def test_scans_are_encrypted_on_disk_and_kept_once(services: Services, data_dir: Path) -> None:
    codes = [services.dossiers.receive(make_draft()).code for _ in range(2)]
    pdf = make_pdf("Giấy chứng sinh số 123 của Nguyễn Thị Hồng Nhung", 3)
    hashes = {services.attachments.attach_paper(code, 2, pdf).sha256 for code in codes}
    hashes.add(services.attachments.attach_paper(codes[0], 1, make_pdf("tờ khai")).sha256)
    files = [p for p in (data_dir / FOLDER).rglob("*") if p.is_file()]
    assert len(files) == 2  # the same content twice is one file
    assert "Nhung" in pdf.data.decode("latin-1")  # the plain PDF does show its text
    for path in files:
        raw = path.read_bytes()
        for magic in (b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*"):
            assert magic not in raw
        assert b"Nhung" not in raw and b"trang" not in raw
        assert not any(sha in path.name for sha in hashes)  # names do not reveal the content
    with services.db.read() as uow:
        assert len(uow.attachments.blob_rows()) == 2


def test_the_same_content_is_stored_once(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    pdf = make_pdf("bản sao")
    a = services.attachments.attach_paper(code, 1, pdf)
    b = services.attachments.attach_paper(code, 2, pdf)
    assert a.sha256 == b.sha256
    assert list(services.attachments.blobs.hashes()) == [a.sha256]
    assert services.attachments.blobs.put(pdf.data) == a.sha256


def test_a_tampered_scan_is_refused_and_named(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    a = services.attachments.attach_paper(code, 2, make_pdf("giấy chứng sinh"))
    assert services.attachments.verify() == []
    _tamper(services, a.sha256)
    with pytest.raises(ScanError, match=f"Hồ sơ {code}, giấy tờ số 2 “Giấy chứng sinh”"):
        services.attachments.content(a.id)
    problems = services.attachments.verify()
    assert len(problems) == 1 and code in problems[0] and "bị hỏng" in problems[0]
    with pytest.raises(ScanError, match="bị hỏng"):
        services.attachments.export_dossier(code, Path("/nonexistent/never.pdf"))
    assert _entries(services, JournalKind.VIEW) == []  # nothing shown, nothing journalled


def test_a_missing_scan_is_named(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    a = services.attachments.attach_paper(code, 1, make_pdf("tờ khai"))
    services.attachments.blobs.remove(a.sha256)
    assert not services.attachments.blobs.exists(a.sha256)
    with pytest.raises(ScanError, match="Không tìm thấy bản số hóa"):
        services.attachments.content(a.id)
    assert "Không tìm thấy" in services.attachments.verify()[0]


def test_a_stored_form_moved_under_another_hash_does_not_open(services: Services) -> None:
    blobs = services.attachments.blobs
    one, two = blobs.put(b"%PDF-1 mot"), blobs.put(b"%PDF-1 hai")
    with pytest.raises(ScanError):
        blobs.put_raw(one, blobs.raw(two))
    blobs.put_raw(one, blobs.raw(one))  # its own form goes back as it is
    assert blobs.get(one) == b"%PDF-1 mot"


def test_only_the_roles_handling_dossiers_view_or_export(
    services: Services, tmp_path: Path
) -> None:
    code = services.dossiers.receive(make_draft()).code
    a = services.attachments.attach_paper(code, 1, make_pdf("tờ khai"))
    _login(services, "quantri")  # the administrator only
    with pytest.raises(ForbiddenError, match="Cán bộ tiếp nhận hoặc Lãnh đạo"):
        services.attachments.content(a.id)
    with pytest.raises(ForbiddenError):
        services.attachments.export_dossier(code, tmp_path / "x.pdf")
    with pytest.raises(ForbiddenError):
        services.attachments.attach_paper(code, 1, make_pdf("y"))
    assert not (tmp_path / "x.pdf").exists()
    for username in ("cuong", "an"):  # a clerk, the head of office
        _login(services, username)
        assert services.attachments.content(a.id).startswith(b"%PDF")


def test_every_view_and_export_is_journalled(services: Services, tmp_path: Path) -> None:
    code = services.dossiers.receive(make_draft()).code
    paper = services.attachments.attach_paper(code, 2, make_pdf("giấy chứng sinh", 2))
    services.attachments.attach_result(code, make_pdf("trích lục khai sinh"))
    _login(services, "cuong")
    services.attachments.content(paper.id)
    out = services.attachments.export_dossier(code, tmp_path / "ho-so.pdf")
    views = _entries(services, JournalKind.VIEW)
    assert len(views) == 1
    view = views[0]
    assert (view.actor, view.subject) == ("cuong", code)
    assert view.dossier_id == services.journal.dossier_id(code)
    assert view.payload["details"]["paper"] == "Giấy chứng sinh"
    exports = _entries(services, JournalKind.EXPORT)
    assert len(exports) == 1
    details = exports[0].payload["details"]
    assert details["file"] == str(out) and len(details["scans"]) == 2
    assert journal_details(view) == "“Giấy chứng sinh”, 2 trang"
    assert journal_details(exports[0]) == f"2 bản số hóa, tệp {out}"
    report = services.journal.verify_full()
    assert report.ok, report.messages()


def test_the_export_is_a_cover_sheet_then_every_scan(services: Services, tmp_path: Path) -> None:
    code = services.dossiers.receive(make_draft()).code
    papers = [
        services.attachments.attach_paper(code, 1, make_pdf("tờ khai", 2)),
        services.attachments.attach_paper(code, 2, make_pdf("giay chung sinh")),
    ]
    result = services.attachments.attach_result(code, make_pdf("trích lục", 1))
    out = services.attachments.export_dossier(code, tmp_path / "ho-so.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + 2 + 1 + 1
    cover = " ".join(reader.pages[0].extract_text().split())
    for expected in (code, "Nguyễn Thị Hồng Nhung", "001190012345", "Tờ khai đăng ký khai sinh"):
        assert expected in cover
    for a in (*papers, result):
        assert a.sha256[:32] in cover.replace(" ", "") and a.sha256[32:] in cover.replace(" ", "")
    assert "Trần Thị Bình" in cover and "PHIẾU BÌA HỒ SƠ SỐ HÓA" in cover
    assert "giay chung sinh trang 1" in reader.pages[3].extract_text()


def test_an_empty_dossier_exports_nothing(services: Services, tmp_path: Path) -> None:
    code = services.dossiers.receive(make_draft()).code
    with pytest.raises(ValidationError, match="chưa có bản số hóa"):
        services.attachments.export_dossier(code, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_an_earlier_copy_is_offered_and_reused(services: Services, clock: FixedClock) -> None:
    first = services.dossiers.receive(make_draft()).code
    given = services.attachments.attach_paper(first, 2, make_pdf("giấy chứng sinh"))
    other = services.dossiers.receive(make_draft(applicant=OTHER)).code
    not_hers = services.attachments.attach_paper(other, 2, make_pdf("giấy của người khác"))
    clock.set(clock.now() + timedelta(days=40))
    second = services.dossiers.receive(make_draft()).code
    copies = services.attachments.earlier_copies("001190012345")
    assert [(c.attachment_id, c.dossier_code, c.paper_name) for c in copies] == [
        (given.id, first, "Giấy chứng sinh")
    ]
    assert copies[0].validity is Validity.VALID and copies[0].given_at == given.attached_at
    reused = services.attachments.reuse_paper(second, 2, given.id)
    assert (reused.reused_from, reused.sha256, reused.paper_no) == (first, given.sha256, 2)
    assert services.attachments.of_dossier(second)[0].reused_from == first
    with pytest.raises(ValidationError, match="giấy tờ của người khác"):
        services.attachments.reuse_paper(second, 1, not_hers.id)
    assert len(services.attachments.earlier_copies("001190012345")) == 1  # reuses not repeated


def test_the_result_needs_the_right_to_move_dossiers(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    _login(services, "quantri")
    with pytest.raises(ForbiddenError, match="đính kèm bản số hóa kết quả"):
        services.attachments.attach_result(code, make_pdf("kết quả"))


def test_an_attachment_row_edited_in_the_database_is_found(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    services.attachments.attach_paper(code, 1, make_pdf("tờ khai"))
    with services.db.session(write=True) as s:
        s.execute(text("UPDATE attachments SET attached_by = 'Người khác'"))
    report = services.journal.verify_full()
    assert not report.ok and code in report.summary()


def test_scans_open_again_after_a_restart(data_dir: Path, clock: FixedClock) -> None:
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        code = svc.dossiers.receive(make_draft()).code
        a = svc.attachments.attach_paper(code, 1, make_pdf("tờ khai"))
    finally:
        svc.close()
    svc = open_test_services(AppPaths(data_dir), clock)
    try:
        assert svc.attachments.content(a.id) == make_pdf("tờ khai").data
        expected = FileBlobStore if svc.db.is_sqlite else DbBlobStore
        assert isinstance(svc.attachments.blobs, expected)
    finally:
        svc.close()


def test_the_key_is_derived_and_both_stores_share_one_stored_form(
    services: Services, tmp_path: Path
) -> None:
    key = attachment_key(b"k" * 32)
    assert len(key) == 64 and key != attachment_key(b"j" * 32)
    files = FileBlobStore(tmp_path / "a", key)
    rows = DbBlobStore(services.db, key)
    sha = files.put(b"%PDF-1.7 noi dung")
    rows.put_raw(sha, files.raw(sha))
    assert rows.get(sha) == b"%PDF-1.7 noi dung" and list(rows.hashes()) == [sha]
    assert list(files.hashes()) == [sha]
    with pytest.raises(ScanError):
        FileBlobStore(tmp_path / "b", attachment_key(b"j" * 32)).put_raw(sha, files.raw(sha))


def test_thumbnails_are_one_view_and_a_damaged_scan_has_none(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    first = services.attachments.attach_paper(code, 1, make_pdf("tờ khai", 2))
    second = services.attachments.attach_paper(code, 2, make_pdf("chứng sinh"))
    _tamper(services, second.sha256)
    drawn = services.attachments.thumbnails(code, 120)
    assert [t.attachment_id for t in drawn] == [first.id, second.id]
    assert drawn[0].image is not None and drawn[0].image.width == 120
    assert drawn[1].image is None  # damaged: no picture (opening it says why)
    views = _entries(services, JournalKind.VIEW)
    assert len(views) == 1 and views[0].subject == code
    assert journal_details(views[0]).endswith("ảnh thu nhỏ của 2 bản số hóa")
    empty = services.dossiers.receive(make_draft(applicant=OTHER)).code
    assert services.attachments.thumbnails(empty, 120) == []
    assert len(_entries(services, JournalKind.VIEW)) == 1  # nothing shown, nothing journalled
    _login(services, "quantri")
    with pytest.raises(ForbiddenError):
        services.attachments.thumbnails(code, 120)
    with pytest.raises(ForbiddenError):
        services.attachments.note_printed(first.id, 2)


def test_a_printed_scan_is_journalled_with_its_pages(services: Services) -> None:
    code = services.dossiers.receive(make_draft()).code
    scan = services.attachments.attach_paper(code, 1, make_pdf("tờ khai", 3))
    services.attachments.note_printed(scan.id, 3)
    (entry,) = _entries(services, JournalKind.VIEW)
    assert entry.action == "in bản số hóa “Tờ khai đăng ký khai sinh”"
    assert journal_details(entry) == "“Tờ khai đăng ký khai sinh”, 3 trang; đã in 3 trang"
    with pytest.raises(NotFoundError):
        services.attachments.note_printed(scan.id + 100, 1)
