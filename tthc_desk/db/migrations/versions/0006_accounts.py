"""staff become accounts: user name, roles, password hash, lock-out

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Each staff member becomes an account with a user name made from the folded name (``binh.tt`` for
Trần Thị Bình). No password is known for them: the administrator sets a temporary one in the
first-run wizard, and the person changes it at the first login.
"""

import re
import unicodedata
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _username(full_name: str, taken: set[str]) -> str:
    folded = unicodedata.normalize("NFD", full_name.replace("đ", "d").replace("Đ", "D"))
    words = "".join(c for c in folded if not unicodedata.combining(c)).lower().split()
    words = [w for w in (re.sub(r"[^a-z0-9]", "", w) for w in words) if w] or ["canbo"]
    base = words[-1] + ("." + "".join(w[0] for w in words[:-1]) if len(words) > 1 else "")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def upgrade() -> None:
    accounts = op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_accounts_username'))
    )
    conn = op.get_bind()
    taken: set[str] = set()
    now = datetime.now().replace(microsecond=0)
    rows = conn.execute(sa.text("SELECT name, role, active FROM staff ORDER BY id")).all()
    op.bulk_insert(accounts, [
        {
            "username": _username(name, taken), "full_name": name, "roles": role,
            "active": bool(active), "password_hash": None, "must_change_password": True,
            "failed_attempts": 0, "locked_until": None, "created_at": now, "last_login_at": None,
        }
        for name, role, active in rows
    ])
    op.drop_table('staff')


def downgrade() -> None:
    staff = op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_name'))
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT full_name, roles, active FROM accounts ORDER BY id")).all()
    order = ("head", "clerk", "admin")
    op.bulk_insert(staff, [
        {"name": name, "role": next((r for r in order if r in roles.split(",")), "clerk"),
         "active": bool(active)}
        for name, roles, active in rows
    ])
    op.drop_table('accounts')
