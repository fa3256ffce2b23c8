"""Every word council's staff pages say, in Swedish (the council's working language) and English.

The API's refusals stay English (they are for programs); on a page a refusal is told in the
reader's language by its reason (``CaseRefusalError.reason``). The names of the kinds of support
are not here: they are the programme's one list, ``digitalwell_shared.kinds``.
"""

from __future__ import annotations

from digitalwell_council.page_text.en import EN
from digitalwell_council.page_text.sv import SV
from digitalwell_shared.contracts import Language
from digitalwell_shared.wording import Wording

WORDING = Wording({Language.SV: SV, Language.EN: EN})
translate = WORDING.translate
