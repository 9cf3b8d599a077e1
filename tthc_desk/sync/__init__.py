"""Moving exports upward: where reports go (destinations), how (transports), and the outbox that
keeps each report until its destination confirms it. No Qt here: the CLI and the GUI share it.
"""
