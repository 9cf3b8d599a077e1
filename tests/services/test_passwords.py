"""Real passwords are hashed with Argon2id at argon2-cffi's recommended cost."""

from __future__ import annotations

from argon2 import Type

from tthc_desk.services import passwords


def test_real_hashes_are_argon2id_at_the_recommended_cost() -> None:
    hasher = passwords.PRODUCTION
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 64 * 1024 and hasher.time_cost >= 2
    made = hasher.hash("mat-khau-1")
    assert made.startswith("$argon2id$") and "mat-khau-1" not in made
    assert passwords.verify_password(made, "mat-khau-1")
    assert not passwords.verify_password(made, "mat-khau-2")
    assert not passwords.verify_password(None, "mat-khau-1")
    assert not passwords.verify_password("$argon2id$hong", "mat-khau-1")
    assert not passwords.verify_password("hỏng", "mat-khau-1")  # a hash edited by hand
