"""Every string a user reads is in Vietnamese and English.

The rule for the catalogues (README, "Translations"):
- source strings are Vietnamese; `locale/vi` lists every one of them, with an empty msgstr (the
  source is shown) or a Vietnamese rewording — never fuzzy;
- `locale/en` lists every one of them translated — never empty, never fuzzy, same placeholders;
- neither lists a string the code no longer has (`make translations` drops them);
- Django's own strings that users meet are Vietnamese too (Django's catalogue or locale/_django).

The strings are extracted from the sources here with Babel (Django's `templatize` turns templates
into what `makemessages` reads), so the check needs no GNU gettext.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.core.management.utils import is_ignored_path
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("vi", "en")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def not_sources() -> set[str]:
    """The folders `make translations` leaves out (the Makefile's NOT_SOURCES, one list)."""
    line = re.search(r"^NOT_SOURCES := (.*)$", (ROOT / "Makefile").read_text(), re.M)
    return set(re.findall(r"--ignore=(\S+)", line.group(1)))


def source_files() -> list[Path]:
    """What makemessages reads: .py, .html and .txt files outside hidden folders and locale."""
    skip = [*not_sources(), "locale", ".*"]
    found = []
    for folder, dirs, files in os.walk(ROOT):
        relative = Path(folder).relative_to(ROOT)
        dirs[:] = sorted(d for d in dirs if not is_ignored_path(str(relative / d), skip))
        found += [Path(folder) / f for f in files if f.endswith((".py", ".html", ".txt"))]
    return sorted(found)


def key(message_id, context) -> tuple:
    if isinstance(message_id, (list, tuple)):
        return (context, *message_id)
    return (context, message_id)


def extracted() -> dict[tuple, str]:
    """Every translatable string in the sources → the first file it is in."""
    strings: dict[tuple, str] = {}
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # Indentation means nothing in templatize's output but trips Python's tokenizer.
            text = "\n".join(
                line.lstrip() for line in templatize(text, origin=str(path)).split("\n")
            )
        for _line, message, _comments, context in extract(
            "python", io.BytesIO(text.encode("utf-8")), keywords=KEYWORDS
        ):
            strings.setdefault(key(message, context), str(path.relative_to(ROOT)))
    return strings


def catalogue(language: str):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def sources():
    return extracted()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_lists_every_string_of_the_sources(sources, language):
    listed = {key(m.id, m.context) for m in catalogue(language) if m.id}
    missing = [f"{where}: {k[1:]}" for k, where in sources.items() if k not in listed]
    assert not missing, f"Run `make translations`; missing from locale/{language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_lists_no_string_the_sources_lost(sources, language):
    stale = [
        k[1:] for m in catalogue(language) if m.id and (k := key(m.id, m.context)) not in sources
    ]
    assert not stale, f"Run `make translations`; stale in locale/{language}: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_entry(language):
    po = catalogue(language)
    assert not po.fuzzy, f"locale/{language}: the header is fuzzy, so nothing would compile"
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not fuzzy, f"locale/{language}: check and un-fuzzy {fuzzy}"


def test_english_catalogue_translates_every_string():
    untranslated = [
        m.id
        for m in catalogue("en")
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert not untranslated, f"translate in locale/en: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue(language).check()]
    assert not problems


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("vi", "nplurals=1; plural=0;"), ("en", "nplurals=2; plural=(n != 1);")],
)
def test_catalogue_header_is_well_formed(language, plural_forms):
    po = catalogue(language)
    assert po.project == "theo-doi-nhiem-vu"
    headers = dict(po.mime_headers)
    assert headers["Language"] == language
    assert headers["Plural-Forms"] == plural_forms
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"


def test_compiled_catalogues_are_current():
    """The .mo files (built by `make messages`, kept out of git) give the English strings."""
    for message in catalogue("en"):
        if message.id and not message.pluralizable:
            with translation.override("en"):
                shown = (
                    translation.pgettext(message.context, message.id)
                    if message.context
                    else translation.gettext(message.id)
                )
            assert shown == message.string, "stale .mo files: run `make messages`"


# Text written into templates without gettext ------------------------------------------------

VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag in ("script", "style")
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and dict(attrs).get("type") in ("submit", "button")
            )
            if visible and value and _has_letters(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script and _has_letters(data):
            self.found.append(data.strip())


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def untranslated_text(template: str) -> list[str]:
    """Text in a template that a user would read but that is not inside a translate tag."""
    pieces, closing = [], None
    for token in Lexer(template).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            pieces.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            closing = TRANSLATED_BLOCKS.get(name) or SKIPPED_BLOCKS.get(name)
        pieces.append("\x00")  # a tag or a variable: its output is checked where it is made
    parser = _VisibleText()
    parser.feed("".join(pieces).replace("\x00", ""))
    return parser.found


def test_template_check_finds_untranslated_text():
    assert untranslated_text('<p title="Xin chào">{% translate "Có" %} Không</p>') == [
        'title="Xin chào"',
        "Không",
    ]
    assert untranslated_text("{% blocktranslate %}Có {{ n }}{% endblocktranslate %} · 5%") == []


def test_templates_have_no_untranslated_text():
    found = {}
    for path in source_files():
        if "templates" in path.relative_to(ROOT).parts:
            text = untranslated_text(path.read_text(encoding="utf-8"))
            if text:
                found[str(path.relative_to(ROOT))] = text
    assert not found, f"wrap in {{% translate %}}: {found}"


# Django's own strings -----------------------------------------------------------------------


def django_strings_users_meet() -> dict[str, str]:
    """Messages of Django's forms, fields and validators that our screens show."""
    from django import forms
    from django.contrib.auth import forms as auth_forms
    from django.contrib.auth.password_validation import get_default_password_validators

    messages = {}
    for form in (auth_forms.AuthenticationForm, auth_forms.PasswordChangeForm):
        messages.update({f"{form.__name__}.{k}": v for k, v in form.error_messages.items()})
    for field in (
        forms.Field,
        forms.CharField,
        forms.IntegerField,
        forms.DateField,
        forms.ChoiceField,
        forms.ModelChoiceField,
        forms.FileField,
    ):
        messages.update(
            {f"{field.__name__}.{k}": v for k, v in field.default_error_messages.items()}
        )
    for validator in get_default_password_validators():
        messages[type(validator).__name__] = validator.get_help_text()
    return messages


class _AnyNumber(dict):
    def __missing__(self, name):
        return 2


def shown(message) -> str:
    """The text of a message; a lazy plural is only text once its number is filled in."""
    return str(message) or message % _AnyNumber()


def test_django_strings_users_meet_are_vietnamese():
    with translation.override("en"):
        english = {k: shown(v) for k, v in django_strings_users_meet().items()}
    with translation.override("vi"):
        same = [k for k, v in django_strings_users_meet().items() if shown(v) == english[k]]
    assert not same, f"add a Vietnamese translation in locale/_django/vi: {same}"


# Switching language; dates and numbers --------------------------------------------------------


def test_language_switcher_remembers_english(client, staff_user):
    client.force_login(staff_user)
    home = reverse("home")
    assert '<html lang="vi">' in client.get(home).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302 and response.url == home
    assert response.cookies["django_language"].value == "en"
    html = client.get(home).content.decode()
    assert '<html lang="en">' in html
    assert ">Home</a>" in html and ">Sign out</button>" in html
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in html  # and the way back


def test_language_switcher_works_before_signing_in(client, db):
    login = reverse("login")
    client.post(reverse("set_language"), {"language": "en", "next": login})
    html = client.get(login).content.decode()
    assert "<h1>Sign in</h1>" in html


def test_vietnamese_is_the_default_language(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Đăng nhập</h1>" in html


def test_dates_and_numbers_follow_the_language():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaultfilters import floatformat
    from django.utils import formats

    from directives.templatetags.tracker import vndate

    day = dt.date(2021, 2, 9)
    with translation.override("vi"):
        assert vndate(day) == "09/02/2021"
        assert formats.date_format(day) == "09/02/2021"
        assert floatformat(1234.5, "1g") == "1.234,5"
        assert intcomma(1234567) == "1.234.567"
        assert formats.localize(98.63) == "98,63"
    with translation.override("en"):
        assert vndate(day) == "9 Feb 2021"
        assert floatformat(1234.5, "1g") == "1,234.5"
        assert formats.localize(98.63) == "98.63"


def test_vietnamese_dates_are_read_day_first():
    from django import forms

    with translation.override("vi"):
        assert forms.DateField().clean("09/02/2021") == dt.date(2021, 2, 9)
    with translation.override("en"):
        assert forms.DateField().clean("09/02/2021") == dt.date(2021, 2, 9)
        assert forms.DateField().clean("9 Feb 2021") == dt.date(2021, 2, 9)


def test_ids_in_templates_are_never_grouped(settings):
    from django.template import Context, Template

    assert settings.USE_THOUSAND_SEPARATOR is False
    with translation.override("vi"):
        assert Template("{{ pk }}").render(Context({"pk": 123456})) == "123456"


# No English left on Vietnamese pages (issue 21) ------------------------------------------------

# Words that only an untranslated control, catalogue or template would put on a Vietnamese page.
ENGLISH_LEFTOVERS = re.compile(
    r"\b(Access attempts?|Access failures?|Access logs?|Show counts|Hide counts|Choose files?|"
    r"No file chosen|Document no\.|Original deadline|Deadline|Progress|Overdue|Due soon|"
    r"January|February|March|April|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Sample data|Not saved)\b"
)


class _ReaderText(HTMLParser):
    """The text a reader sees: no script, style or template content; titles and labels too."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _ReaderText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("namcan", "home"),
        ("tuyengiao", "assignment_list"),
        ("tuyengiao", "calendar_month"),
        ("tuyengiao", "notification_list"),
        ("lanhdao", "dashboard?doc"),
        ("lanhdao", "dashboard_assignments?doc"),
        ("lanhdao", "report_print?doc"),
        ("lanhdao", "dashboard"),  # the overview across documents
        ("lanhdao", "overview_assignments"),
        ("lanhdao", "assignment_detail"),
        ("tuyengiao", "assignment_progress"),
        ("lanhdao", "scorecard"),  # issue 17's unit scorecard
        ("lanhdao", "explanation_request"),
        ("admin", "/admin/"),
        ("admin", "/admin/axes/accessattempt/"),
        ("admin", "/admin/axes/accessfailurelog/"),
        ("admin", "/admin/directives/document/import/"),
    ],
)
def test_vietnamese_pages_have_no_english_leftovers(client, demo, user, url):
    from directives.models import Assignment, Document

    client.login(username=user, password="demo12345")
    if url.startswith("/"):
        path = url
    elif url.endswith("?doc"):
        path = reverse(url[:-4]) + f"?doc={Document.objects.get().pk}"
    elif url in ("assignment_detail", "assignment_progress", "explanation_request"):
        led = (
            Assignment.objects.filter(lead_unit__name="Ban Tuyên giáo Tỉnh ủy")
            .exclude(status="done")
            .first()
        )
        path = reverse(url, args=[led.pk])
    else:
        path = reverse(url)
    # The language the user chose (Vietnamese), whatever an English browser asks for.
    client.cookies["django_language"] = "vi"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200, path
    found = sorted(set(ENGLISH_LEFTOVERS.findall(visible_text(response.content.decode()))))
    assert not found, f"{path}: {found}"
