"""The page's counter (static/js/campaign_compose.js) against campaigns/segments.py.

Node runs the very file the browser loads over the same texts; the browser test checks
the page shows the same figures.
"""

import dataclasses
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from campaigns.segments import GSM7_BASIC, GSM7_EXTENSION, GSM7_SUBSTITUTES, count_segments, gsm7_substitute

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "campaign_compose.js"
NODE = shutil.which("node")

RUNNER = """
const api = require(process.argv[1]);
const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(texts.map(t => [api.countSegments(t), api.gsm7Substitute(t)])));
"""

OTHERS = sorted(GSM7_SUBSTITUTES) + list("😀🎉中\t")
ALPHABET = sorted(GSM7_BASIC | GSM7_EXTENSION) + OTHERS


def _texts() -> list[str]:
    rng = random.Random(6)
    texts = ["", "a" * 160, "a" * 161, "a" * 152 + "€" + "a" * 10, "ą" * 66 + "😀" + "ą" * 3,
             "".join(GSM7_SUBSTITUTES)]
    for _ in range(400):
        length = rng.choice([rng.randint(0, 80), rng.randint(60, 400)])
        # Mostly GSM-7 with an occasional other character, so both encodings come up.
        weights = [1.0] * (len(ALPHABET) - len(OTHERS)) + [rng.choice([0, 0, 0.05])] * len(OTHERS)
        texts.append("".join(rng.choices(ALPHABET, weights=weights, k=length)))
    return texts


@pytest.mark.skipif(NODE is None, reason="node is not installed; the browser test covers the counter")
def test_the_page_counter_agrees_with_segments_py():
    texts = _texts()
    done = subprocess.run(
        [NODE, "-e", RUNNER, str(SCRIPT)], input=json.dumps(texts), capture_output=True,
        text=True, check=True, timeout=60,
    )
    results = json.loads(done.stdout)
    encodings = set()
    for text, (js_count, js_replaced) in zip(texts, results, strict=True):
        expected = dataclasses.asdict(count_segments(text))
        expected["ucs2_characters"] = list(expected["ucs2_characters"])
        assert js_count == expected, text
        substitution = gsm7_substitute(text)
        assert js_replaced == {
            "text": substitution.text, "replaced": [list(pair) for pair in substitution.replaced]
        }, text
        encodings.add(expected["encoding"])
    assert encodings == {"GSM-7", "UCS-2"}


SHOW_IF_RUNNER = """
const api = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(([rule, values]) => api.showIfHolds(rule, n => values[n] || ""))));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed; the browser test covers the page")
def test_show_if_rules_take_one_of_values_none_of_them_and_either_of_two_rules():
    """The single-message page hides the Message field only for an SMS.by verification code:
    ``provider!=smsby|smsby_kind!=code``, shown when SMS.by is not on the page at all."""
    message = "provider!=smsby|smsby_kind!=code"
    cases = [
        ("variant=PRO PRO_RESP", {"variant": "PRO_RESP"}), ("variant=PRO PRO_RESP", {"variant": "ECO"}),
        (message, {"provider": "justsend", "smsby_kind": "code"}),
        (message, {"provider": "smsby", "smsby_kind": "text"}),
        (message, {"provider": "smsby", "smsby_kind": "code"}),
        (message, {"provider": "justsend"}),
    ]
    result = subprocess.run([NODE, "-e", SHOW_IF_RUNNER, str(SCRIPT)], input=json.dumps(cases),
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [True, False, True, True, False, True]
