"""Dossiers with their papers and corrections; the applicants met at the counter."""

from __future__ import annotations

from tthc_desk.db.stores.base import Store


class DossierStore(Store):
    pass


class ApplicantStore(Store):
    pass
