"""intake: applications for support, their status and withdrawal; staff accounts and sign-in.

The shape of every service (docs/architecture.md, "How a service is shaped"): ``settings``,
``records``, ``stores/`` (``applications``, ``staff``), ``domain``, ``deps``, ``usecases/``
(``applications``, ``sign_in``, ``accounts``), ``handlers``, ``api`` + ``models``, ``pages/``
+ ``views`` + ``templates/``, ``page_text/``, ``app``, ``__main__``. Besides them, each for
one job:

- ``staff_api``: the staff JSON API (tokens, who am I, one-time codes, passwords, accounts);
- ``register``: the officer's register of applications, as JSON and as a staff page;
- ``form``: the HTML application form's fields and its errors in the page's language;
- ``passwords``: argon2 hashing and checking, off the event loop;
- ``staff_tokens``: minting the staff tokens every service accepts (intake's signing key);
- ``totp``: one-time codes (authenticator apps) and their QR codes;
- ``region_sign_in``: staff sign-in at the region's OpenID Connect provider.
"""
