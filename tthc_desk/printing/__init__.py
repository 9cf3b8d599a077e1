"""Printed forms as PDF (reportlab only: no Qt, no database).

- :mod:`~tthc_desk.printing.templates` – every visible word comes from a TOML template under
  ``resources/templates/`` that an administrator may replace (``<data dir>/templates/``);
- :mod:`~tthc_desk.printing.layout` – Nghị định 30/2020 page layout and shared building blocks;
- :mod:`~tthc_desk.printing.document` – parts (copies, letters) into one PDF, page numbers;
- :mod:`~tthc_desk.printing.receipt` – Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
"""
