"""Mẫu số 01 receipt: every template word is printed, dossier data is right, NFC, copies, overrides.

The PDF text is read back with pdftotext (poppler) and pypdf, as a clerk's printer would see it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Flowable, KeepTogether, Table

from tthc_desk.domain.dossier import (
    Channel,
    Dossier,
    PaperItem,
    Person,
    ReturnMethod,
    Status,
)
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import DEMO_OFFICE, OfficeProfile
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.printing.layout import QrCode
from tthc_desk.printing.receipt import (
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    TEMPLATE_NAME,
    receipt_story,
    render_receipt,
    write_receipt,
)
from tthc_desk.printing.templates import (
    FormTemplate,
    TemplateError,
    load_template,
    template_file,
)

CODE = "000.17.22.H56-260205-0007"
CLERK = "Trần Thị Ngọc Ánh"
APPLICANT = "Nguyễn Thị Diễm Hương"
AUTHORISED = "Đỗ Văn Lộc"
ADDRESS = "Số 12 ngõ 34 đường Nguyễn Văn Cừ, khu phố Đông Hội, phường Đồng Nguyên, tỉnh Bắc Ninh"
PROCEDURE = "Đăng ký khai sinh"

#: Strings printed only in some dossiers; each must still appear in one of the two variants.
CONDITIONAL_KEYS = {
    "fields.authorised",
    "items.fees",
    "items.fees_free",
    "return_places.counter",
    "return_places.postal",
    "papers.reused",  # only with a paper reused from an earlier dossier
}
#: The earlier dossier whose digitised copy the other branch reuses.
EARLIER = "000.17.22.H56-260105-0003"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def make_dossier(papers: int = 4, **changes: object) -> Dossier:
    kinds = (PaperKind.ORIGINAL, PaperKind.CERTIFIED, PaperKind.PHOTOCOPY)
    names = (
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Giấy chứng sinh do cơ sở y tế cấp",
        "Giấy chứng nhận kết hôn của cha, mẹ",
        "Văn bản ủy quyền có chứng thực",
    )
    dossier = Dossier(
        id=7,
        code=CODE,
        ledger_book="01/2026",
        ledger_number=137,
        procedure_code="1.001193",
        procedure_name=PROCEDURE,
        field="Hộ tịch",
        deciding_agency="UBND phường Đồng Nguyên",
        handling_unit="Công chức Tư pháp - Hộ tịch",
        duration_text="03 ngày làm việc",
        # Decomposed (NFD) text, as some keyboards type it: the PDF must hold NFC.
        applicant=Person(
            nfd(APPLICANT),
            "036184001234",
            phone="0912345678",
            address=nfd(ADDRESS),
            email="huong.nguyen@example.com",
        ),
        authorised=Person(AUTHORISED, "036090005678"),
        channel=Channel.DIRECT,
        return_method=ReturnMethod.COUNTER,
        return_address="",
        papers=tuple(
            PaperItem(names[i % len(names)], kinds[i % 3], 1 + i % 2) for i in range(papers)
        ),
        sets_count=1,
        fee_amount=50000,
        note="",
        received_at=datetime(2026, 2, 5, 8, 15),
        due_at=datetime(2026, 2, 10, 16, 30),
        status=Status.RECEIVED,
        clerk_name="",
        created_at=datetime(2026, 2, 5, 8, 15),
    )
    return replace(dossier, **changes)


def pdf_text(data: bytes, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    result = subprocess.run([*cmd, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Whitespace folded, so words wrapped across lines still match."""
    return " ".join(text.split())


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def literal_parts(template: FormTemplate, key: str, value: str) -> list[str]:
    """The fixed words of a template string, without its {placeholders}."""
    return [flat(lit) for lit, _name in template.segments(key, value) if flat(lit)]


@pytest.fixture(scope="module")
def template() -> FormTemplate:
    return load_template(TEMPLATE_NAME)


@pytest.fixture(scope="module")
def office() -> OfficeProfile:
    return DEMO_OFFICE


@pytest.fixture(scope="module")
def main_pdf(office: OfficeProfile) -> bytes:
    return render_receipt(make_dossier(), office, CLERK)


@pytest.fixture(scope="module")
def main_text(main_pdf: bytes) -> str:
    return flat(pdf_text(main_pdf))


@pytest.fixture(scope="module")
def other_text(office: OfficeProfile) -> str:
    """The other branch of every condition: no authorised person, postal return, no fee."""
    dossier = make_dossier(
        authorised=None, return_method=ReturnMethod.POSTAL, fee_amount=0, papers=2
    )
    return flat(pdf_text(render_receipt(dossier, office, CLERK, reused={2: EARLIER})))


# ---- the template is printed word for word ---------------------------------------------------


def test_every_template_label_is_printed(
    template: FormTemplate, main_text: str, other_text: str
) -> None:
    labels = template.labels()
    assert len(labels) > 30
    for key, value in labels.items():
        for part in literal_parts(template, key, value):
            base_key = key.split("[")[0]
            if base_key in CONDITIONAL_KEYS:
                assert part in main_text or part in other_text, (key, part)
            else:
                assert part in main_text, (key, part)
                assert part in other_text, (key, part)


def test_required_keys_all_exist_in_shipped_template(template: FormTemplate) -> None:
    template.require(REQUIRED_KEYS)
    template.require(OPTIONAL_KEYS)  # shipped, though an older override may lack them
    assert set(REQUIRED_KEYS) | set(OPTIONAL_KEYS) >= {k.split("[")[0] for k in template.labels()}


def test_conditional_lines_follow_the_dossier(
    template: FormTemplate, main_text: str, other_text: str
) -> None:
    assert f"Người được ủy quyền: {AUTHORISED}" in main_text
    assert "Người được ủy quyền" not in other_text
    assert "Phí, lệ phí: 50.000 đ" in main_text
    assert "Phí, lệ phí: Không thu" in other_text
    assert "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả" in main_text
    assert f"6. Đăng ký nhận kết quả tại: {ADDRESS} (qua dịch vụ bưu chính công ích)" in other_text


# ---- dossier data ---------------------------------------------------------------------------


def test_dossier_data_is_printed(main_text: str) -> None:
    for expected in (
        f"Mã hồ sơ: {CODE}",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        "Số định danh cá nhân: 036184001234",
        f"Địa chỉ: {ADDRESS}",
        "Số điện thoại: 0912345678",
        "Email: huong.nguyen@example.com",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "2. Số lượng hồ sơ: 1 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 05/02/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 10/02/2026",
        "Quyển số: 01/2026 Số thứ tự: 137",
        # ND 30: leading zero for the day and for months 1–2, italic place and date.
        "Đồng Nguyên, ngày 05 tháng 02 năm 2026",
        "UBND PHƯỜNG ĐỒNG NGUYÊN",
        "Bộ phận tiếp nhận và trả kết quả: TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "Tờ khai đăng ký khai sinh theo mẫu",
        CLERK,
    ):
        assert expected in main_text, expected


def test_submitter_signs_the_receipt(main_text: str, other_text: str) -> None:
    # The person at the counter signs: the authorised person when there is one.
    signatures = main_text.split("NGƯỜI TIẾP NHẬN HỒ SƠ", 1)[1]
    assert AUTHORISED in signatures and CLERK in signatures
    assert APPLICANT in other_text.split("NGƯỜI TIẾP NHẬN HỒ SƠ", 1)[1]


def test_text_is_nfc_even_from_decomposed_input(main_pdf: bytes) -> None:
    raw = pdf_text(main_pdf)
    assert unicodedata.is_normalized("NFC", raw)
    assert APPLICANT in raw
    assert nfd(APPLICANT) != APPLICANT  # the fixture really was decomposed
    pypdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(main_pdf)).pages)
    assert unicodedata.normalize("NFC", pypdf_text).count(CODE) >= 2


def test_paper_counts_sit_in_the_column_of_their_kind(office: OfficeProfile) -> None:
    dossier = replace(
        make_dossier(),
        papers=(
            PaperItem("Giấy A", PaperKind.ORIGINAL, 1),
            PaperItem("Giấy B", PaperKind.CERTIFIED, 2),
            PaperItem("Giấy C", PaperKind.PHOTOCOPY, 3),
            PaperItem("Giấy D chưa nộp", PaperKind.ORIGINAL, 1, provided=False),
        ),
    )
    story = receipt_story(dossier, office, CLERK, load_template(TEMPLATE_NAME))
    table = next(f for f in _walk(story) if isinstance(f, Table) and len(f._cellvalues) == 4)
    rows = [[_cell_text(c) for c in row] for row in table._cellvalues]
    assert rows[0] == ["TT", "Tên giấy tờ", "Bản chính", "Bản chứng thực", "Bản photo"]
    assert rows[1] == ["1", "Giấy A", "1", "", ""]
    assert rows[2] == ["2", "Giấy B", "", "2", ""]
    assert rows[3] == ["3", "Giấy C", "", "", "3"]


def test_a_reused_paper_says_which_dossier_its_copy_came_with(
    office: OfficeProfile, tmp_path: Path
) -> None:
    dossier = replace(
        make_dossier(),
        papers=(
            PaperItem("Giấy A chưa nộp", PaperKind.ORIGINAL, 1, provided=False),
            PaperItem("Giấy khai sinh", PaperKind.CERTIFIED, 1),
            PaperItem("Giấy C", PaperKind.PHOTOCOPY, 1),
        ),
    )
    story = receipt_story(dossier, office, CLERK, load_template(TEMPLATE_NAME), reused={2: EARLIER})
    table = next(f for f in _walk(story) if isinstance(f, Table) and len(f._cellvalues) == 3)
    rows = [[_cell_text(c) for c in row] for row in table._cellvalues]
    # Line 2 of the checklist is the first printed (line 1 was not handed in).
    assert rows[1] == [
        "1",
        f"Giấy khai sinh (dùng lại bản đã số hóa của hồ sơ {EARLIER})",
        "",
        "1",
        "",
    ]
    assert rows[2][1] == "Giấy C"
    # An office's own template without the line still says it, in the shipped words.
    text = template_file(TEMPLATE_NAME).read_text(encoding="utf-8")
    (tmp_path / "receipt.toml").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("reused =")),
        encoding="utf-8",
    )
    printed = flat(
        pdf_text(render_receipt(dossier, office, CLERK, template_dir=tmp_path, reused={2: EARLIER}))
    )
    assert f"Giấy khai sinh (dùng lại bản đã số hóa của hồ sơ {EARLIER})" in printed


# ---- copies and pages -----------------------------------------------------------------------


def test_two_copies_two_pages_with_their_labels(main_pdf: bytes) -> None:
    assert page_count(main_pdf) == 2
    first, second = flat(pdf_text(main_pdf, 1, 1)), flat(pdf_text(main_pdf, 2, 2))
    assert "(Liên 1: Lưu)" in first and "(Liên 2: Giao người nộp)" not in first
    assert "(Liên 2: Giao người nộp)" in second and "(Liên 1: Lưu)" not in second
    for page in (first, second):
        assert f"Mã hồ sơ: {CODE}" in page
        assert "NGƯỜI NỘP HỒ SƠ" in page


def test_eight_papers_still_fit_one_page_per_copy(office: OfficeProfile) -> None:
    long_names = make_dossier(
        papers=8,
        applicant=Person(APPLICANT, "036184001234", phone="0912345678", address=ADDRESS * 2),
    )
    assert page_count(render_receipt(long_names, office, CLERK, copies=2)) == 2


def test_one_and_three_copies(office: OfficeProfile) -> None:
    one = render_receipt(make_dossier(), office, CLERK, copies=1)
    assert page_count(one) == 1
    assert "(Liên 1: Lưu)" in flat(pdf_text(one))
    three = render_receipt(make_dossier(), office, CLERK, copies=3)
    assert page_count(three) == 3
    assert "(Liên 2: Giao người nộp)" in flat(pdf_text(three, 3, 3))


def test_zero_copies_is_refused(office: OfficeProfile) -> None:
    with pytest.raises(ValidationError) as info:
        render_receipt(make_dossier(), office, CLERK, copies=0)
    assert "Số liên" in info.value.message


def test_long_list_flows_onto_numbered_pages(office: OfficeProfile) -> None:
    data = render_receipt(make_dossier(papers=22), office, CLERK, copies=2)
    pages = page_count(data)
    assert pages == 4
    texts = [pdf_text(data, n, n) for n in range(1, pages + 1)]
    # ND 30: no number on a copy's first page; "2" centred on top of its second.
    assert texts[1].split()[0] == "2" and texts[3].split()[0] == "2"
    assert texts[0].split()[0] == "Mẫu" and texts[2].split()[0] == "Mẫu"
    # Signatures are never separated from the last line before them, nor from the notes.
    assert "NGƯỜI NỘP HỒ SƠ" not in texts[0] and "NGƯỜI NỘP HỒ SƠ" in texts[1]
    assert "Vào Sổ theo dõi hồ sơ" in texts[1] and "Ghi chú:" in texts[1]
    # The continuation page says which copy it belongs to.
    assert f"Mã hồ sơ: {CODE} (Liên 2: Giao người nộp)" in flat(texts[3])


def test_rendering_is_reproducible(office: OfficeProfile, main_pdf: bytes) -> None:
    assert render_receipt(make_dossier(), office, CLERK) == main_pdf


def test_write_receipt(tmp_path: Path, office: OfficeProfile) -> None:
    target = write_receipt(make_dossier(), office, CLERK, tmp_path / "giay-tiep-nhan.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    assert page_count(target.read_bytes()) == 2
    assert not list(tmp_path.glob("*.part"))


# ---- QR code --------------------------------------------------------------------------------


def _walk(flowables: list[Flowable]) -> Iterator[Flowable]:
    for f in flowables:
        yield f
        if isinstance(f, KeepTogether):
            yield from _walk(list(f._content))
        if isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    if isinstance(cell, list | tuple):
                        yield from _walk(list(cell))
                    elif isinstance(cell, Flowable):
                        yield from _walk([cell])


def _cell_text(cell: object) -> str:
    if isinstance(cell, list | tuple):
        return " ".join(_cell_text(c) for c in cell)
    text = getattr(cell, "text", None)
    if text is not None:
        return flat(text)
    return flat(str(cell))


def test_qr_code_holds_the_dossier_code(office: OfficeProfile) -> None:
    story = receipt_story(make_dossier(), office, CLERK, load_template(TEMPLATE_NAME))
    codes = [f for f in _walk(story) if isinstance(f, QrCode)]
    assert [q.value for q in codes] == [CODE]


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbar-tools or poppler-utils is not installed",
)
def test_the_printed_qr_codes_scan_back_to_the_dossier_code(
    office: OfficeProfile, tmp_path: Path
) -> None:
    (tmp_path / "r.pdf").write_bytes(render_receipt(make_dossier(), office, CLERK))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    for page in pages:  # each copy carries its own code
        done = subprocess.run(
            ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=False
        )
        assert done.stdout.split() == [CODE], done.stderr


# ---- template overrides and errors ----------------------------------------------------------


def _override(tmp_path: Path, old: str, new: str) -> Path:
    text = template_file(TEMPLATE_NAME).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "receipt.toml").write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


def test_override_directory_replaces_the_title(tmp_path: Path, office: OfficeProfile) -> None:
    new_title = "GIẤY BIÊN NHẬN HỒ SƠ VÀ HẸN NGÀY TRẢ KẾT QUẢ"
    folder = _override(
        tmp_path,
        'title = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"',
        f'title = "{nfd(new_title)}"',
    )
    text = flat(pdf_text(render_receipt(make_dossier(), office, CLERK, template_dir=folder)))
    assert new_title in text  # NFD in the file, NFC on paper
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" not in text


def test_empty_override_directory_uses_the_shipped_template(
    tmp_path: Path, office: OfficeProfile, main_pdf: bytes
) -> None:
    assert render_receipt(make_dossier(), office, CLERK, template_dir=tmp_path) == main_pdf


def test_missing_key_names_file_and_key_in_vietnamese(
    tmp_path: Path, office: OfficeProfile
) -> None:
    folder = _override(tmp_path, 'title = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"\n', "")
    with pytest.raises(TemplateError) as info:
        render_receipt(make_dossier(), office, CLERK, template_dir=folder)
    message = info.value.message
    assert "thiếu mục “form.title”" in message
    assert str(folder / "receipt.toml") in message


def test_unknown_placeholder_is_reported(tmp_path: Path, office: OfficeProfile) -> None:
    folder = _override(tmp_path, "Mã hồ sơ: {code}", "Mã hồ sơ: {ma_ho_so}")
    with pytest.raises(TemplateError) as info:
        render_receipt(make_dossier(), office, CLERK, template_dir=folder)
    assert "{ma_ho_so}" in info.value.message and "{code}" in info.value.message


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "receipt.toml").write_text('[form]\ntitle = "chưa đóng ngoặc\n', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(TEMPLATE_NAME, tmp_path)
    assert "sai cú pháp TOML" in info.value.message


def test_template_saved_with_bom_is_read(tmp_path: Path) -> None:
    text = template_file(TEMPLATE_NAME).read_text(encoding="utf-8")
    (tmp_path / "receipt.toml").write_bytes(text.encode("utf-8-sig"))
    assert load_template(TEMPLATE_NAME, tmp_path).text("form.title").startswith("GIẤY")


# ---- resources ------------------------------------------------------------------------------


def test_resource_path_finds_source_tree_and_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc_desk import resources

    resources.resources_root.cache_clear()
    assert resources.resource_path("fonts", "LiberationSerif-Regular.ttf").is_file()
    assert resources.resource_path("templates", "receipt.toml").is_file()
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    resources.resources_root.cache_clear()
    try:
        assert resources.resource_path("templates") == tmp_path / "resources" / "templates"
    finally:
        monkeypatch.undo()
        resources.resources_root.cache_clear()
    assert resources.resource_path("templates", "receipt.toml").is_file()
