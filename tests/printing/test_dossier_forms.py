"""Mẫu 02 (supplement), 03 (refusal), 05 (stop notice), 04 (apology letters): every word of the
template and the dossier's values are on paper; batch letters restart their pages; drafts are
marked."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tthc_desk.domain.dossier import PaperItem, Person
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import ApologyLetter, LetterStatus
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.printing import apology, refusal, stop_notice, supplement
from tthc_desk.printing.templates import TemplateError, load_template, template_file

from .support import (
    ADDRESS,
    APPLICANT,
    CLERK,
    CODE,
    PROCEDURE,
    make_dossier,
    missing_labels,
    pdf_text,
    pypdf_pages,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OFFICE = DEMO_OFFICE
REASON = "Giấy chứng sinh bị tẩy xóa ngày sinh, không đọc được"
PAPERS = (
    PaperItem("Giấy chứng sinh do cơ sở y tế cấp", PaperKind.ORIGINAL, 1),
    PaperItem("Giấy chứng nhận kết hôn của cha, mẹ", PaperKind.CERTIFIED, 2),
    PaperItem("Sổ hộ khẩu (bản sao)", PaperKind.PHOTOCOPY, 3),
)


def test_template_keys_are_exactly_the_required_ones() -> None:
    for module in (supplement, refusal, stop_notice, apology):
        template = load_template(module.TEMPLATE_NAME)
        keys = {k.split("[")[0] for k in template.labels()} - {"header.nation", "header.motto"}
        assert keys == set(module.REQUIRED_KEYS), module.TEMPLATE_NAME


# ---- Mẫu 02 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def supplement_pdf() -> bytes:
    return supplement.render_supplement_request(
        make_dossier(),
        papers=PAPERS,
        reason=REASON,
        requested_at=datetime(2026, 2, 6, 9, 0),
        office=OFFICE,
        clerk_name=CLERK,
    )


def test_supplement_prints_every_label_and_value(supplement_pdf: bytes) -> None:
    text = pdf_text(supplement_pdf)
    assert missing_labels(load_template("supplement"), [text]) == []
    for expected in (
        f"Mã hồ sơ: {CODE}",
        f"Hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        f"Địa chỉ: {ADDRESS}",
        "Số điện thoại: 0912345678",
        "Email: huong.nguyen@example.com",
        "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 05/02/2026",
        f"Lý do: {REASON}",
        f"số điện thoại {OFFICE.phone} để được hướng dẫn./.",
        "Đồng Nguyên, ngày 06 tháng 02 năm 2026",
        "NGƯỜI HƯỚNG DẪN",
        CLERK,
        *(p.name for p in PAPERS),
    ):
        assert expected in text, expected


def test_supplement_counts_sit_under_their_kind() -> None:
    from tthc_desk.printing import layout

    table = supplement.papers_table(load_template("supplement"), PAPERS, layout.get_styles())
    rows = [[getattr(c, "text", c) for c in row] for row in table._cellvalues]
    assert rows[0][:3] == ["STT", "Thành phần hồ sơ", "Số lượng"]
    assert rows[1][2:] == ["Bản chính", "Bản chứng thực", "Bản photo"]
    assert rows[2] == ["1", PAPERS[0].name, "1", "", ""]
    assert rows[3] == ["2", PAPERS[1].name, "", "2", ""]
    assert rows[4] == ["3", PAPERS[2].name, "", "", "3"]


# ---- Mẫu 03 ---------------------------------------------------------------------------------


def test_refusal_prints_every_label_and_value() -> None:
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường"
    data = refusal.render_refusal(
        make_dossier(),
        reason=reason,
        refused_at=datetime(2026, 2, 6, 10, 0),
        office=OFFICE,
        clerk_name=CLERK,
    )
    text = pdf_text(data)
    assert missing_labels(load_template("refusal"), [text]) == []
    for expected in (
        f"Mã hồ sơ: {CODE}",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        f"Lý do: {reason}",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
        "Đồng Nguyên, ngày 06 tháng 02 năm 2026",
        CLERK,
    ):
        assert expected in text, expected


# ---- Mẫu 05 ---------------------------------------------------------------------------------


def test_stop_notice_prints_every_label_and_value_signed_by_the_head() -> None:
    reason = "Gia đình chuyển nơi cư trú, sẽ nộp hồ sơ tại nơi ở mới"
    data = stop_notice.render_stop_notice(
        make_dossier(), reason=reason, stopped_at=datetime(2026, 2, 7, 14, 5), office=OFFICE
    )
    text = pdf_text(data)
    assert missing_labels(load_template("stop_notice"), [text]) == []
    for expected in (
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        f"Kính gửi: {APPLICANT}",
        f"Ngày 05/02/2026, {OFFICE.office_name} đã tiếp nhận hồ sơ",
        f"mã hồ sơ: {CODE}",
        f"Lý do: {reason}",
        "kể từ 14 giờ 05 phút, ngày 07/02/2026",
        OFFICE.head_sign_prefix,
        OFFICE.head_title,
        OFFICE.head_name,
    ):
        assert expected in text, expected
    # The signature: prefix, then title, then the name.
    tail = text.split("Nơi nhận:", 1)[1]
    assert tail.index(OFFICE.head_sign_prefix) < tail.index(OFFICE.head_name)


# ---- Mẫu 04 ---------------------------------------------------------------------------------


def letter(i: int, status: LetterStatus, number: int | None) -> ApologyLetter:
    return ApologyLetter(
        id=i,
        dossier_code=f"000.17.22.H56-260205-000{i}",
        applicant_name=f"Người nộp số {i}",
        applicant_address=f"Số {i} đường Lý Thái Tổ, phường Đồng Nguyên",
        procedure_name=PROCEDURE,
        received_at=datetime(2026, 2, 5, 8, 15),
        original_due_at=datetime(2026, 2, 10, 16, 30),
        proposed_due_at=datetime(2026, 2, 13, 10, 0),
        reason="Cơ quan phối hợp chậm trả lời",
        reason_detail=f"Công an phường chưa xác minh xong nơi cư trú (lần {i})",
        responsible_unit="Công an phường",
        signer_name="Nguyễn Văn An",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_prefix="KT. GIÁM ĐỐC",
        status=status,
        created_at=datetime(2026, 2, 9, 8, 0),
        year=2026 if number else None,
        number=number,
    )


LETTERS = (
    letter(1, LetterStatus.DRAFT, None),
    letter(2, LetterStatus.CONFIRMED, 5),
    letter(3, LetterStatus.DELIVERED, 6),
)


@pytest.fixture(scope="module")
def apology_pdf() -> bytes:
    return apology.render_apology_letters(LETTERS, OFFICE)


def test_apology_batch_one_letter_per_page_with_its_values(apology_pdf: bytes) -> None:
    pages = pypdf_pages(apology_pdf)
    assert len(pages) >= 3
    template = load_template("apology")
    for n, item in enumerate(LETTERS, start=1):
        text = pdf_text(apology_pdf, n, n)
        assert missing_labels(template, [text], skip=("form.draft",)) == [], n
        for expected in (
            f"Kính gửi: {item.applicant_name}",
            f"Mã hồ sơ: {item.dossier_code}",
            f"Lý do: {item.full_reason}",
            "Ngày 05/02/2026",
            "16 giờ 30 phút, ngày 10 tháng 02 năm 2026",
            "Thời gian hẹn trả kết quả lại: 10 giờ 00 phút, ngày 13 tháng 02 năm 2026",
            "Xin trân trọng cảm ơn./.",
            "KT. GIÁM ĐỐC",
            "Nguyễn Văn An",
        ):
            assert expected in text, (n, expected)
    assert "Số: 05/2026/PXL" in pdf_text(apology_pdf, 2, 2)
    assert "Số: 06/2026/PXL" in pdf_text(apology_pdf, 3, 3)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Đăng ký khai sinh", "về việc đăng ký khai sinh."),
        ("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
         "về việc thủ tục cấp Giấy xác nhận tình trạng hôn nhân."),
        ("Liên thông các thủ tục hành chính về đăng ký khai sinh, cấp Thẻ bảo hiểm y tế cho trẻ "
         "em dưới 6 tuổi", "về việc liên thông các thủ tục hành chính về đăng ký khai sinh, cấp "
         "Thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi."),
        ("UBND xã xác nhận lý lịch", "về việc UBND xã xác nhận lý lịch."),
    ],
)  # fmt: skip
def test_the_procedure_reads_in_lower_case_inside_the_letter(name: str, said: str) -> None:
    """Mẫu 04 and Mẫu 05 name the procedure inside a sentence ("… hồ sơ của Ông/Bà về việc đăng
    ký khai sinh."): its first letter is lower-cased, unless it starts an acronym."""
    letter_pdf = apology.render_apology_letters([replace(LETTERS[1], procedure_name=name)], OFFICE)
    assert said in pdf_text(letter_pdf)
    notice = stop_notice.render_stop_notice(
        make_dossier(procedure_name=name),
        reason="Người nộp rút hồ sơ",
        stopped_at=datetime(2026, 2, 7, 14, 5),
        office=OFFICE,
    )
    assert said.removesuffix(".") + ", mã hồ sơ" in pdf_text(notice)


def test_only_the_draft_is_marked(apology_pdf: bytes) -> None:
    assert "DỰ THẢO" in pdf_text(apology_pdf, 1, 1)
    assert "PXL" not in pdf_text(apology_pdf, 1, 1)  # no number yet: a blank to fill in
    assert "DỰ THẢO" not in pdf_text(apology_pdf, 2, 3)


def test_long_letter_numbers_its_own_pages() -> None:
    long = replace(LETTERS[1], reason_detail="Chi tiết lý do rất dài. " * 120)
    data = apology.render_apology_letters([long, LETTERS[2]], OFFICE)
    pages = [pdf_text(data, n, n) for n in range(1, len(pypdf_pages(data)) + 1)]
    assert len(pages) >= 3
    # Letter 1 runs onto page 2 (numbered "2"); letter 2 starts again without a number.
    assert pages[1].split()[0] == "2"
    assert "Số: 06/2026/PXL" in pages[-1] and pages[-1].split()[0] != "3"


def test_no_letters_is_refused() -> None:
    with pytest.raises(ValidationError):
        apology.render_apology_letters([], OFFICE)


def test_override_title_and_missing_key(tmp_path: Path) -> None:
    text = template_file("apology").read_text(encoding="utf-8")
    new = text.replace(
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN"
    )
    (tmp_path / "apology.toml").write_text(new, encoding="utf-8")
    data = apology.render_apology_letters([LETTERS[1]], OFFICE, template_dir=tmp_path)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in pdf_text(data)
    (tmp_path / "apology.toml").write_text(new.replace('thanks = "Xin trân trọng cảm ơn./."', ""))
    with pytest.raises(TemplateError) as info:
        apology.render_apology_letters([LETTERS[1]], OFFICE, template_dir=tmp_path)
    assert "body.thanks" in info.value.message


def test_authorised_person_signs_supplement_as_submitter() -> None:
    dossier = make_dossier(authorised=Person("Đỗ Văn Lộc", "036090005678"))
    data = supplement.render_supplement_request(
        dossier,
        papers=(),
        reason=REASON,
        requested_at=datetime(2026, 2, 6, 9, 0),
        office=OFFICE,
        clerk_name=CLERK,
    )
    assert "Đỗ Văn Lộc" in pdf_text(data).split("NGƯỜI HƯỚNG DẪN", 1)[1]
