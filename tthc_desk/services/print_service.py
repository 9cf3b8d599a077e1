"""Printed forms as PDF bytes or files, built from saved records and the office profile.

Every form after intake is rebuilt from the dossier's recorded history: the supplement request
(Mẫu 02) from its latest "supplement" event, the refusal (Mẫu 03) and the stop notice (Mẫu 05)
from their events, the control slip (Mẫu 06) from every hand-off. The printing modules pull in
reportlab, so each is imported inside the method that needs it (start-up time).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tthc_desk.domain.dossier import Dossier, PaperItem
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import DossierEvent, Move
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.durable import atomic_path as atomic_path
from tthc_desk.durable import write as write
from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.settings_service import SettingsService

if TYPE_CHECKING:
    from tthc_desk.services.attachment_service import AttachmentService
    from tthc_desk.services.lifecycle_service import LifecycleService


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _papers(raw: object) -> tuple[PaperItem, ...]:
    items: list[PaperItem] = []
    for p in raw if isinstance(raw, list) else []:
        if not isinstance(p, dict) or not p.get("name"):
            continue
        try:
            kind = PaperKind(p.get("kind") or PaperKind.ORIGINAL.value)
        except ValueError:
            kind = PaperKind.ORIGINAL
        items.append(PaperItem(str(p["name"]), kind, int(p.get("count") or 1), provided=False))
    return tuple(items)


class PrintService:
    def __init__(
        self,
        dossiers: DossierService,
        settings: SettingsService,
        template_dir: Path | None = None,
        lifecycle: LifecycleService | None = None,
        attachments: AttachmentService | None = None,
    ) -> None:
        self._dossiers = dossiers
        self._settings = settings
        self._template_dir = template_dir
        self._lifecycle = lifecycle
        self._attachments = attachments

    write = staticmethod(write)

    @staticmethod
    def warm_up() -> None:
        """Load reportlab and the fonts ahead of the first print (off the GUI thread).

        They cost ~0.2 s to import, which is kept out of start-up and paid while the clerk types.
        """
        from tthc_desk.printing.fonts import register_fonts

        register_fonts()

    def receipt_pdf(self, code: str, copies: int | None = None) -> bytes:
        from tthc_desk.printing.receipt import render_receipt

        dossier = self._dossiers.get(code)
        office = self._settings.office()
        return render_receipt(
            dossier,
            office,
            clerk_name=dossier.clerk_name,
            copies=copies or office.receipt_copies,
            template_dir=self._template_dir,
            reused=self.reused_papers(dossier.code),
        )

    def reused_papers(self, code: str) -> dict[int, str]:
        """The dossier's papers reused from the person's earlier dossiers: line of the
        checklist (1-based) → code of the dossier the copy came with (issue 15)."""
        if self._attachments is None:
            return {}
        return {
            a.paper_no: a.reused_from
            for a in self._attachments.of_dossier(code)
            if a.paper_no is not None and a.reused_from
        }

    def write_receipt(self, code: str, path: Path, copies: int | None = None) -> Path:
        return write(path, self.receipt_pdf(code, copies))

    # -- forms after intake -------------------------------------------------------------------
    def _history(self, code: str) -> tuple[Dossier, list[DossierEvent]]:
        if self._lifecycle is None:
            raise RuntimeError("PrintService was built without the lifecycle service")
        dossier = self._dossiers.get(code)
        return dossier, self._lifecycle.history(dossier.code)

    @staticmethod
    def _latest(
        events: Sequence[DossierEvent], kind: Move, missing: str
    ) -> tuple[int, DossierEvent]:
        for i in range(len(events) - 1, -1, -1):
            if events[i].kind == kind.value:
                return i, events[i]
        raise ValidationError.for_field("dossier", missing)

    def supplement_pdf(self, code: str) -> bytes:
        """Mẫu 02 from the latest supplement request, with the clock it interrupted."""
        from tthc_desk.printing.supplement import render_supplement_request

        dossier, events = self._history(code)
        i, ev = self._latest(events, Move.SUPPLEMENT, "Hồ sơ chưa có yêu cầu bổ sung nào.")
        # After the completed dossier came back the clock restarted: the request refers to the
        # receipt it interrupted, kept in the "supplemented" event that followed it.
        restart = next((e for e in events[i + 1 :] if e.kind == Move.SUPPLEMENTED.value), None)
        if restart is not None:
            old_received, old_due = (
                _moment(restart.data.get("old_received_at")),
                _moment(restart.data.get("old_due_at")),
            )
            dossier = dataclasses.replace(
                dossier,
                received_at=old_received or dossier.received_at,
                due_at=old_due or dossier.due_at,
            )
        return render_supplement_request(
            dossier,
            papers=_papers(ev.data.get("papers")),
            reason=str(ev.data.get("reason") or ""),
            requested_at=ev.at,
            office=self._settings.office(),
            clerk_name=ev.actor or dossier.clerk_name,
            template_dir=self._template_dir,
        )

    def refusal_pdf(self, code: str) -> bytes:
        """Mẫu 03 from the refusal event."""
        from tthc_desk.printing.refusal import render_refusal

        dossier, events = self._history(code)
        _, ev = self._latest(
            events, Move.REFUSED, "Hồ sơ chưa bị từ chối giải quyết nên không có phiếu từ chối."
        )
        return render_refusal(
            dossier,
            reason=str(ev.data.get("reason") or ev.note),
            refused_at=ev.at,
            office=self._settings.office(),
            clerk_name=ev.actor or dossier.clerk_name,
            template_dir=self._template_dir,
        )

    def stop_pdf(self, code: str) -> bytes:
        """Mẫu 05 from the stop event."""
        from tthc_desk.printing.stop_notice import render_stop_notice

        dossier, events = self._history(code)
        _, ev = self._latest(
            events, Move.STOPPED, "Hồ sơ chưa được dừng giải quyết nên không có thông báo dừng."
        )
        return render_stop_notice(
            dossier,
            reason=str(ev.data.get("reason") or ev.note),
            stopped_at=ev.at,
            office=self._settings.office(),
            template_dir=self._template_dir,
        )

    def control_pdf(self, code: str) -> bytes:
        """Mẫu 06 (control slip) from the recorded history."""
        from tthc_desk.printing.control_slip import render_control_slip

        dossier, events = self._history(code)
        return render_control_slip(
            dossier, events, self._settings.office(), template_dir=self._template_dir
        )
