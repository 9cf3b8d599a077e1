"""Stores: every SQL statement of the application and every row ↔ DTO mapping.

One store per aggregate, in the shape of Prefect's ``server/models``: a store is built on the
session of one unit of work (:class:`~tthc_desk.db.unit_of_work.UnitOfWork`), runs its statements
and returns domain dataclasses or typed rows, never ORM records. Nothing outside ``tthc_desk/db``
builds SQL or touches a record class (``tests/test_architecture.py`` checks it).
"""
