"""The office's report-signing key: an Ed25519 key pair made on first need.

Its private half (32 bytes) is kept like the journal key (:mod:`tthc_desk.services.keys`): named
after the database (``report-signing-key:<database id>``) in the operating system's keyring, else
a key file of the Windows account outside the data folder; it never goes into a log or an export.
Like the journal key, an *encrypted* database also keeps a copy of it (table ``key_escrow``, name
:data:`ESCROW_NAME`): a backup restored on a new PC with the recovery key keeps signing with the
same key, the one the province registered. An unencrypted (demo) database never holds it. The
public half is what the office registers with the province (``tthc-desk key export``), which
checks every workbook it rolls up against it.
"""

from __future__ import annotations

from tthc_desk.domain.errors import TthcError
from tthc_desk.exporting.report_signature import ReportSigner
from tthc_desk.services.keys import KEY_BYTES, KeyVault

#: The signing key's copy inside an encrypted database (``key_escrow``).
ESCROW_NAME = "report-signing"


def _usable(key: bytes | None) -> bool:
    return key is not None and len(key) == KEY_BYTES


class ReportKeys(KeyVault):
    """Where the report-signing key of a database is kept (see the module's docstring)."""

    @staticmethod
    def name(database_id: str) -> str:
        return f"report-signing-key:{database_id}"

    def private_key(
        self,
        database_id: str,
        escrowed: bytes | None = None,
        *,
        create: bool = True,
        shared: bool = False,
    ) -> bytes | None:
        """The private key of the database: this PC's, else the copy ``escrowed`` in the
        database (then kept on this PC too), else a new one when ``create`` (else None).
        ``shared``: the database is the office's server, whose copy every counter uses (one key
        for the office, whichever counter made it first)."""
        name = self.name(database_id or "default")
        key = self.load(name)
        if shared and escrowed is not None and _usable(escrowed) and key != escrowed:
            key = escrowed
            self.save(name, key)
        if not _usable(key) and escrowed is not None and _usable(escrowed):
            key = escrowed  # a new PC, or a damaged entry: the key came with the database
            self.save(name, key)
        if key is None:
            return self.create(name) if create else None
        if not _usable(key):  # never replaced silently: the province knows the office by it
            if not create:
                return None
            raise TthcError(
                f"Khóa ký báo cáo của cơ sở dữ liệu này bị hỏng ({self.location(name)}): "
                "hãy hỏi người Quản trị."
            )
        return key

    def signer(
        self, database_id: str, office_id: str, escrowed: bytes | None = None
    ) -> ReportSigner:
        """The office's signer; its key is made and kept the first time it is needed."""
        key = self.private_key(database_id, escrowed)
        assert key is not None  # made when missing
        return ReportSigner(office_id, key)
