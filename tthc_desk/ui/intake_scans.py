"""The scans of an intake, saved with the dossier (issue 15).

The intake form keeps each paper's scan (and each earlier copy ticked for reuse) until the
dossier is saved; then, in the same job on the writer thread, the dossier is received and each
scan attached to its line (:meth:`AttachmentService.attach_paper`) and each reuse recorded
(:meth:`AttachmentService.reuse_paper`), before the receipt is printed (it names the reused
papers). The dossier is saved first and stays saved: a paper that cannot be attached after it
(a full disk, a store that cannot be reached) is said by name, with where to add it later. The
service stores the scan before the row that names it, so nothing is left half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.scans import EarlierCopy, ScannedPdf
from tthc_desk.services.attachment_service import AttachmentService
from tthc_desk.services.failures import describe_failure
from tthc_desk.ui.i18n import translate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeSaved:
    """A dossier received, and the papers whose scan could not be attached (Vietnamese
    lines, one per paper)."""

    dossier: Dossier
    not_attached: tuple[str, ...] = ()


def attach_all(
    attachments: AttachmentService,
    dossier: Dossier,
    scans: Mapping[int, ScannedPdf],
    reuses: Mapping[int, EarlierCopy],
) -> IntakeSaved:
    """Attach ``scans`` and record ``reuses`` (by line of the saved checklist) to the dossier
    just saved (worker thread); each paper on its own, so one failure does not stop the rest."""
    code = dossier.code
    failed = [
        problem
        for no, pdf in sorted(scans.items())
        if (problem := _attempt(dossier, no, attachments.attach_paper, code, no, pdf))
    ]
    failed += [
        problem
        for no, copy in sorted(reuses.items())
        if (problem := _attempt(dossier, no, attachments.reuse_paper, code, no, copy.attachment_id))
    ]
    return IntakeSaved(dossier, tuple(failed))


def _attempt(dossier: Dossier, no: int, step: Callable[..., object], *args: object) -> str:
    """Run ``step(*args)`` for paper ``no``; "" when done, else what went wrong."""
    try:
        step(*args)
    except Exception as exc:
        log.error("Scan of paper %d of %s not attached", no, dossier.code, exc_info=exc)
        why = exc.message if isinstance(exc, TthcError) else describe_failure(exc)
        name = dossier.papers[no - 1].name if no <= len(dossier.papers) else ""
        return translate("IntakeScans", "giấy tờ số {0} “{1}”: {2}").format(
            no,
            name,
            (why or translate("IntakeScans", "lỗi ngoài dự kiến, đã ghi vào nhật ký lỗi")).rstrip(
                "."
            ),
        )
    return ""


def receive_with_scans(
    receive: Callable[[], Dossier],
    attachments: AttachmentService,
    scans: Mapping[int, ScannedPdf],
    reuses: Mapping[int, EarlierCopy],
) -> IntakeSaved:
    """Receive the dossier (``receive``), then attach its scans (worker thread)."""
    return attach_all(attachments, receive(), scans, reuses)


def not_attached_text(code: str, lines: tuple[str, ...]) -> str:
    """What the clerk reads when scans were not attached to a saved dossier."""
    return translate(
        "IntakeScans",
        "Hồ sơ {0} ĐÃ ĐƯỢC LƯU nhưng chưa đính kèm được bản số hóa của:\n{1}\nĐừng tiếp nhận "
        "lại: mở hồ sơ {0} (Danh sách hồ sơ), thẻ “Bản số hóa”, bấm “Bổ sung bản số hóa…” để "
        "thêm sau.",
    ).format(code, "\n".join(f"- {line}" for line in lines))
