"""The only code that knows intake's MongoDB: each store a Protocol and its Mongo class.

``applications``: applications with their timelines, the claims that keep submissions single
and the registration series; ``staff``: staff accounts and the sign-in attempts that lock them.
"""
