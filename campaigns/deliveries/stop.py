"""Is a reply an opt-out? The whole message against ``settings.STOP_KEYWORDS``.

The message counts when, trimmed, with case, Polish diacritics, repeated spaces and
trailing punctuation ignored, it *is* one of the keywords: "Stop", "stop!", "NIE",
"rezygnuję" count; "STOP please" or "nie wiem" do not. A sentence that merely contains a
keyword is far more often something else ("don't stop", "nie teraz"), and blacklisting a
customer by mistake costs more than a STOP a human reads on the campaign page.
"""

import re
import unicodedata

from django.conf import settings

# Letters NFKD does not take apart.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.,;:!?¡¿…\"'()\-]+$")


def keyword_normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _TRAILING.sub("", _SPACES.sub(" ", plain).strip())


def stop_keywords() -> frozenset[str]:
    return frozenset(
        keyword_normalize(k) for k in settings.STOP_KEYWORDS if keyword_normalize(k)
    )


def is_stop_message(text: str) -> bool:
    return keyword_normalize(text) in stop_keywords()
