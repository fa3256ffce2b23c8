"""Every word intake's pages say, as ``wording.Wording``: the applicant's and the staff's.

``WORDING`` for the applicant's pages (``applicant.py``), ``STAFF_WORDING`` for the staff pages
(``staff.py``); each module has its Swedish (``SV``) and English (``EN``) catalogue.
"""

from __future__ import annotations

from digitalwell_intake.page_text import applicant, staff
from digitalwell_shared.contracts import Language
from digitalwell_shared.wording import Wording

WORDING = Wording({Language.SV: applicant.SV, Language.EN: applicant.EN})
STAFF_WORDING = Wording({Language.SV: staff.SV, Language.EN: staff.EN})
