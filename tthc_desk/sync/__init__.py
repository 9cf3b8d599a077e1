"""Moving exports upward: the rules of a destination, the credential store, and the transports
(WebDAV, HTTPS POST, SMTP, a folder). No Qt here. The outbox that keeps each report until its
destination confirms it is :class:`~tthc_desk.services.outbox_service.OutboxService`; the UI and
the CLI reach everything here through it.
"""
