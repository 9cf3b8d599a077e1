"""``tthc-desk attach CODE --paper N FILE…``, ``attach CODE --result FILE…``, ``scans CODE`` and
``export-dossier CODE -o FILE.pdf`` exactly as the issue writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from tests.cli.test_cli import Cli, assert_one_line_error


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def _pdf(path: Path, label: str, pages: int = 1) -> Path:
    canvas = Canvas(str(path), invariant=1)
    for page in range(pages):
        canvas.drawString(72, 720, f"{label} page {page + 1}")
        canvas.showPage()
    canvas.save()
    return path


def _received(run: Cli) -> str:
    code, out, err = run.receive()
    assert code == 0, err
    return out.strip()


def test_attach_list_and_export(run: Cli, tmp_path: Path) -> None:
    dossier = _received(run)
    one, two = _pdf(tmp_path / "a.pdf", "to khai", 2), _pdf(tmp_path / "b.pdf", "to khai tiep")
    code, out, err = run("attach", dossier, "--paper", "1", str(one), str(two))
    assert code == 0, err
    paper = out.strip().split("\t")
    assert paper[:3] == ["1", "Tờ khai đăng ký khai sinh", "3 trang"] and len(paper[3]) == 64
    code, out, err = run("attach", dossier, "--result", str(_pdf(tmp_path / "kq.pdf", "ket qua")))
    assert code == 0, err
    result = out.strip().split("\t")
    assert result[0] == "kết quả" and result[2] == "1 trang"

    code, out, err = run("scans", dossier)
    assert code == 0 and err == ""
    assert [line.split("\t")[:4] for line in out.splitlines()] == [paper[:4], result[:4]]

    target = tmp_path / "ho-so-so-hoa.pdf"
    code, out, err = run("export-dossier", dossier, "-o", str(target))
    assert (code, out.strip()) == (0, str(target)), err
    reader = PdfReader(target)
    assert len(reader.pages) == 1 + 3 + 1
    assert dossier in reader.pages[0].extract_text()


def test_a_dossier_without_scans_lists_nothing(run: Cli) -> None:
    dossier = _received(run)
    code, out, err = run("scans", dossier)
    assert (code, out) == (0, "")
    assert err.strip() == f"Hồ sơ {dossier} chưa có bản số hóa nào."


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--paper", "9", "{file}"], "không có giấy tờ số 9"),
        (["--paper", "0", "{file}"], "cần một số từ 1 trở lên"),
        (["--paper", "1", "{missing}"], "Không tìm thấy tệp"),
        (["--paper", "1", "{text}"], "chỉ nhận PDF"),
        (["--paper", "1", "--result", "{file}"], "--result"),
        (["{file}"], "--paper"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_attaches_nothing(
    run: Cli, tmp_path: Path, args: list[str], expected: str
) -> None:
    dossier = _received(run)
    (tmp_path / "ghi-chu.txt").write_text("không phải bản quét", encoding="utf-8")
    files = {
        "file": str(_pdf(tmp_path / "a.pdf", "x")),
        "missing": str(tmp_path / "khong-co.pdf"),
        "text": str(tmp_path / "ghi-chu.txt"),
    }
    line = assert_one_line_error(*run("attach", dossier, *(a.format(**files) for a in args)))
    assert expected in line
    assert run("scans", dossier)[1] == ""


def test_an_unknown_dossier_exits_2(run: Cli, tmp_path: Path) -> None:
    line = assert_one_line_error(
        *run("attach", "X-260302-9999", "--paper", "1", str(_pdf(tmp_path / "a.pdf", "x")))
    )
    assert line == "tthc-desk: Không tìm thấy hồ sơ mã “X-260302-9999”."
    assert "Không tìm thấy hồ sơ" in assert_one_line_error(*run("scans", "X-260302-9999"))


def test_export_needs_a_person_who_may_view_scans(run: Cli, tmp_path: Path) -> None:
    dossier = _received(run)
    assert run("attach", dossier, "--paper", "2", str(_pdf(tmp_path / "a.pdf", "x")))[0] == 0
    target = tmp_path / "x.pdf"
    line = assert_one_line_error(*run("export-dossier", dossier, "-o", str(target), user="quantri"))
    assert "Cán bộ tiếp nhận hoặc Lãnh đạo" in line and not target.exists()
    line = assert_one_line_error(*run("export-dossier", dossier, "-o", str(tmp_path / "x.txt")))
    assert "đuôi .pdf" in line
    line = assert_one_line_error(
        *run("export-dossier", dossier, "-o", str(tmp_path / "khong-co" / "x.pdf"))
    )
    assert "không tồn tại" in line
    assert run("export-dossier", dossier, "-o", str(target), user="cuong")[0] == 0
