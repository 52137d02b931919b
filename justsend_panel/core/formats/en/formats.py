"""English dates and times as the panel shows them: a 24-hour clock, the year first.

Django's English formats are American ("12/02/2026 6:27 p.m.", "10 a.m." that doubles a
sentence's period); a panel run in Warsaw reads better with ISO dates and 24 hours.
"""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
