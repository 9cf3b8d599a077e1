"""Scanned papers: page images in (scanner folder, files, a scanner), one compact PDF per paper out.

No Qt and no database here: the attachment service stores what :func:`compose.compose` returns,
and the Qt widgets show what :mod:`render` draws. The modules are imported one by one (this file
imports none of them) so that taking :data:`render.PDFIUM_LOCK` costs nothing more.
"""
