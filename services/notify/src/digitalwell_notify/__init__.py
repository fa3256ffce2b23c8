"""notify: turns the system's events into e-mails and delivers each one once.

The modules every service has (docs/architecture.md, "How a service is shaped"): settings,
records, stores/ (emails; people: applicants, parked events, preferences), domain, deps,
usecases, handlers, api + models, pages + views + templates/pages, page_text, app, __main__.

notify's own, each with one job:

- ``composing``: which e-mail an event calls for and what it says, rendered into an Email
  record (pure; the use cases store what it composes);
- ``render``: the e-mail templates (templates/email) into a subject, text and HTML;
- ``delivery``: the worker that claims due e-mails, sends them and records each outcome;
- ``smtp``: a stored e-mail as a MIME message, and the relays it is handed to;
- ``metrics``: counts of e-mails sent and failed, and of delivery rounds.
"""
