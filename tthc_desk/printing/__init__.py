"""Printed forms as PDF (reportlab only: no Qt, no database).

- :mod:`~tthc_desk.printing.templates` – every visible word comes from a TOML template under
  ``resources/templates/`` that an administrator may replace (``<data dir>/templates/``);
- :mod:`~tthc_desk.printing.layout` – Nghị định 30/2020 page, type, styles and small flowables;
- :mod:`~tthc_desk.printing.heading` – the agency | national motto header with its place and
  date, and the title: written once for every form;
- :mod:`~tthc_desk.printing.body` – form lines, ruled tables, notes;
- :mod:`~tthc_desk.printing.signatures` – who signs: two parties, or the head of office with
  "Nơi nhận:"; written once for every form;
- :mod:`~tthc_desk.printing.document` – parts (copies, letters) into one PDF, page numbers;
- :mod:`~tthc_desk.printing.forms` – what the dossier forms share (heading, applicant lines,
  papers, counter signatures, dates, the PDF);
- :mod:`~tthc_desk.printing.receipt` – Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả;
- :mod:`~tthc_desk.printing.supplement`, :mod:`~tthc_desk.printing.refusal`,
  :mod:`~tthc_desk.printing.apology`, :mod:`~tthc_desk.printing.stop_notice`,
  :mod:`~tthc_desk.printing.control_slip` – Mẫu 02, 03, 04, 05, 06 (TT 03/2025 numbering);
- :mod:`~tthc_desk.printing.registers` – landscape registers: :mod:`~tthc_desk.printing.ledger`
  (Mẫu 07, Sổ theo dõi hồ sơ) and :mod:`~tthc_desk.printing.late_list` (late dossiers);
  :mod:`~tthc_desk.printing.postal_handover` (the handover list to the post office).
"""
