"""Every word intake's pages say, as ``wording.Wording``: the applicant's and the staff's.

``PAGE_TEXT`` for the applicant's pages (``applicant.py``), ``STAFF_TEXT`` for the staff pages
(``staff.py``); each module has its Swedish (``SV``) and English (``EN``) catalogue.
"""

from __future__ import annotations

from digitalwell_intake.page_text import applicant, staff
from digitalwell_shared.contracts import Language
from digitalwell_shared.wording import Wording

PAGE_TEXT = Wording({Language.SV: applicant.SV, Language.EN: applicant.EN})
STAFF_TEXT = Wording({Language.SV: staff.SV, Language.EN: staff.EN})
