"""Printed forms as PDF bytes or files, built from saved records and the office profile."""

from __future__ import annotations

from pathlib import Path

from tthc_desk.services.dossier_service import DossierService
from tthc_desk.services.settings_service import SettingsService


class PrintService:
    def __init__(self, dossiers: DossierService, settings: SettingsService, template_dir: Path | None = None) -> None:
        self._dossiers = dossiers
        self._settings = settings
        self._template_dir = template_dir

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
        )

    def write_receipt(self, code: str, path: Path, copies: int | None = None) -> Path:
        data = self.receipt_pdf(code, copies)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path
