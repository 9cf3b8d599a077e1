"""Pure domain code: no Qt, no SQLAlchemy. Calendars, deadlines, codes, validation."""
