"""The Polish catalogue: complete, placeholders intact, the committed .mo current and
loaded, and a page asked for in Polish comes out in Polish."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext, pgettext

from campaigns.forms import message_normalise
from campaigns.models import Campaign
from contacts.phones import msisdn_parse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
NPLURALS = 4

# %(name)s / %(count)d, bare %s / %d, a literal %%, and {name}-style fields ({ or } alone is
# text, e.g. "A { or } is not closed").
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|%%|\{\w*\}")


def po_entries(path=PO):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr {index: text}, flags."""
    def new():
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {},
                "flags": set()}

    entries, entry, field = [], new(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry["msgid"] is not None:
                entries.append(entry)
                entry = new()
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and entry["msgid"] is not None:
                entries.append(entry)
                entry = new()
            text = ast.literal_eval(text)
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = text
            else:
                field = (keyword, None)
                entry[keyword] = text
            continue
        assert line.startswith('"'), f"unexpected line in {path.name}: {line!r}"
        text = ast.literal_eval(line)
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += text
        else:
            entry[field[0]] = (entry[field[0]] or "") + text
    if entry["msgid"] is not None:
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    parsed = po_entries()
    assert parsed[0]["msgid"] == "", "the header comes first"
    return parsed


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry(entries):
    header, messages = entries[0], entries[1:]
    assert len(messages) > 800
    assert "fuzzy" not in header["flags"]
    assert "Language: pl\n" in header["msgstr"][0]
    assert "nplurals=4;" in header["msgstr"][0]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not fuzzy
    untranslated = []
    for e in messages:
        forms_expected = range(NPLURALS) if e["msgid_plural"] else [0]
        if sorted(e["msgstr"]) != list(forms_expected) or not all(e["msgstr"].values()):
            untranslated.append(e["msgid"])
    assert not untranslated


def test_msgfmt_finds_no_error_untranslated_or_fuzzy_entry():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        print("msgfmt is not installed: the Python parse above is the completeness check")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_every_translation_keeps_the_placeholders_of_its_msgid(entries):
    broken = []
    for e in entries[1:]:
        if e["msgid_plural"]:
            # Form 0 is n == 1 only, so it may leave out the count, as the English singular does.
            pairs = [(e["msgid"], e["msgstr"][0])] + [
                (e["msgid_plural"], e["msgstr"][n]) for n in range(1, NPLURALS)
            ]
        else:
            pairs = [(e["msgid"], e["msgstr"][0])]
        for source, translated in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                broken.append((source, translated))
            if source != source.strip() and (
                source[:1].isspace() != translated[:1].isspace()
                or source[-1:].isspace() != translated[-1:].isspace()
            ):
                broken.append((source, translated))
    assert not broken


def test_the_committed_mo_holds_exactly_the_po(entries):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog
    stale = []
    for e in entries[1:]:
        # gettext keys an entry with a context as "context\x04msgid".
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] is not None else e["msgid"]
        if e["msgid_plural"]:
            for n in range(NPLURALS):
                if catalog.get((key, n)) != e["msgstr"][n]:
                    stale.append((key, n))
        elif catalog.get(key) != e["msgstr"][0]:
            stale.append(key)
    assert not stale
    # Polish plural rule as the header gives it: 1 / 2-4 (not 12-14) / the rest.
    assert [compiled.plural(n) for n in (1, 2, 4, 5, 12, 14, 21, 22, 25, 102, 112)] == [
        0, 1, 1, 2, 2, 2, 2, 1, 2, 1, 2
    ]


def test_django_serves_every_entry_of_the_catalogue_in_polish(entries):
    wrong = []
    with translation.override("pl"):
        for e in entries[1:]:
            context = e["msgctxt"]
            if e["msgid_plural"]:
                for n, form in ((1, 0), (3, 1), (5, 2), (22, 1)):
                    if context is None:
                        got = ngettext(e["msgid"], e["msgid_plural"], n)
                    else:
                        got = npgettext(context, e["msgid"], e["msgid_plural"], n)
                    if got != e["msgstr"][form]:
                        wrong.append((context, e["msgid"], n, got))
            else:
                got = _(e["msgid"]) if context is None else pgettext(context, e["msgid"])
                if got != e["msgstr"][0]:
                    wrong.append((context, e["msgid"], got))
    assert not wrong


def test_strings_from_several_apps_come_out_in_polish():
    with translation.override("pl"):
        assert _("Billing") == "Rozliczenia"
        assert _("Blacklist") == "Czarna lista"
        assert str(Campaign.Status.SCHEDULED.label) == "Zaplanowane"
        assert str(Campaign._meta.get_field("recipients_count").verbose_name) == "odbiorcy"
        with pytest.raises(forms.ValidationError) as raised:
            message_normalise("  \r\n ")
        assert raised.value.messages == ["Wiadomość jest pusta."]
        assert msisdn_parse("abc").error == "„abc” nie jest numerem telefonu."
        deleted = [
            ngettext("Deleted %(count)d member.", "Deleted %(count)d members.", n) % {"count": n}
            for n in (1, 3, 5, 22, 12)
        ]
        assert deleted == [
            "Usunięto 1 kontakt.", "Usunięto 3 kontakty.", "Usunięto 5 kontaktów.",
            "Usunięto 22 kontakty.", "Usunięto 12 kontaktów.",
        ]
    with translation.override("en"):
        assert _("Billing") == "Billing"
        assert msisdn_parse("abc").error == "“abc” is not a phone number."


@pytest.mark.django_db
def test_a_page_asked_for_in_polish_has_polish_navigation(marketing_client):
    page = marketing_client.get("/contacts/", HTTP_ACCEPT_LANGUAGE="pl")
    assert page.status_code == 200
    html = page.content.decode()
    for polish in ("Pulpit", "Kampanie", "Kontakty", "Czarna lista", "Statystyki", "Rozliczenia",
                   "Wyszukiwanie numeru", "Wyloguj się", "Grupy kontaktów", "Nowa grupa"):
        assert polish in html, polish
    for english in (">Dashboard<", ">Billing<", ">Blacklist<", "Log out", "Contact groups"):
        assert english not in html, english

    english_page = marketing_client.get("/contacts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Billing<" in english_page
    assert "Rozliczenia" not in english_page


def test_country_names_are_read_in_the_pages_language():
    """A Polish page said "not in Slovakia" / "Kraj: Slovakia": the names were never
    translated (built from the enum's value)."""
    from justsend_panel.sms.justsend import rules

    with translation.override("pl"):
        assert rules.country_name("SLOVAKIA") == "Słowacja"
        assert dict(forms.ChoiceField(choices=rules.COUNTRY_CHOICES).choices)["GERMANY"] == "Niemcy"
        assert rules.outside_country_reason("INTER", "SLOVAKIA") == "spoza kraju: Słowacja"
    with translation.override("en"):
        assert rules.country_name("UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND") == (
            "United Kingdom")
