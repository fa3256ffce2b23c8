"""council: the Innovation Council's cases, from an application's submission to the decision.

Shaped as every service is (docs/architecture.md, "How a service is shaped"): ``settings``,
``records``, ``stores`` (``cases``; ``documents``, how records are kept as MongoDB documents),
``domain``, ``deps``, ``usecases``, ``handlers``, ``api`` + ``models``, ``pages`` + ``views``
+ ``templates/``, ``page_text`` (``sv``, ``en``), ``app``, ``__main__``. Its own besides:
``forms`` (the case page's forms read into requests, or errors to show) and ``reporting`` (the
programme's figures per month or year, and their CSV).
"""
