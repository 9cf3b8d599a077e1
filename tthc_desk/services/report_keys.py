"""The office's report-signing key: an Ed25519 key pair made on first need.

Its private half (32 bytes) is kept like the journal key (:mod:`tthc_desk.services.keys`): named
after the database (``report-signing-key:<database id>``) in the operating system's keyring, else
a key file of the Windows account outside the data folder; it never goes into the database, a
backup, a log or an export. The public half is what the office registers with the province
(``tthc-desk key export``), which checks every workbook it rolls up against it.
"""

from __future__ import annotations

from tthc_desk.domain.errors import TthcError
from tthc_desk.exporting.report_signature import ReportSigner
from tthc_desk.services.keys import KeyVault


class ReportKeys(KeyVault):
    """Where the report-signing key of a database is kept (see the module's docstring)."""

    @staticmethod
    def name(database_id: str) -> str:
        return f"report-signing-key:{database_id}"

    def signer(self, database_id: str, office_id: str) -> ReportSigner:
        """The office's signer; its key is made and kept the first time it is needed."""
        name = self.name(database_id or "default")
        key = self.load(name)
        if key is None:
            key = self.create(name)
        elif len(key) != 32:  # never replaced silently: the province knows the office by it
            raise TthcError(
                f"Khóa ký báo cáo của cơ sở dữ liệu này bị hỏng ({self.location(name)}): "
                "hãy hỏi người Quản trị."
            )
        return ReportSigner(office_id, key)
