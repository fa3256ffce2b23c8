"""What intake does, as ``async def verb(deps: Deps, ...)``, one module per area.

``applications``: submit once, record the council's decision, withdraw, read; ``sign_in``:
staff sign-in, its one-time codes and sign-out; ``accounts``: administrators' accounts.
"""
