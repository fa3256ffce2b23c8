"""intake's HTML pages, one module per audience, rendered from ``templates/``.

``applicant``: the application form, status and withdrawal pages; ``accessibility``: the
accessibility statement; ``sign_in``: staff sign-in (by password or at the region's provider),
sign-out and session renewal; ``staff``: the staff start page, one's own password and one-time
codes, administrators' accounts; ``rendering``: a page in the reader's language. The officer's
register is ``register.py``.
"""
