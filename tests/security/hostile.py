"""Hostile input for property-based tests (hypothesis): strategies and one check for any form.

To cover a new form, describe its fields with strategies and post them with `post_hostile`:

    @HOSTILE_FORM
    @given(data=hostile_form({"note": hostile_text(), "percent": hostile_number()}))
    def test_progress_form_survives_hostile_input(client, staff_user, assignment, data):
        client.force_login(staff_user)
        post_hostile(client, reverse("progress_create", args=[assignment.pk]), data)

`post_hostile` asserts the answer is never a server error and that a refused form (anything but
a redirect after success) wrote nothing.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.security.checks import changed_tables, row_counts

# Things people (or attackers) paste into text fields.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "'; DROP TABLE directives_assignment; --",
    "\x00",
    "a\x00b",
    "\u202etxt.exe",
    "\r\nSet-Cookie: x=1",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "𝕋𝕙𝕖𝕠 𝕕õ𝕚",
    "Tê\u0301t Nguyên đán",  # decomposed diacritics
    "9" * 400,
    "ꙮ" * 3000,
    "",
    " ",
]

# Text the browser could send: any Unicode that UTF-8 can carry (no lone surrogates).
_ANY_CHARACTER = st.characters(codec="utf-8")


def hostile_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Payloads, arbitrary Unicode (control characters included), and mixes of both."""
    arbitrary = st.text(_ANY_CHARACTER, max_size=max_size)
    return st.one_of(
        st.sampled_from(PAYLOADS),
        arbitrary,
        st.builds(lambda a, b, c: a + b + c, arbitrary, st.sampled_from(PAYLOADS), arbitrary),
    )


def hostile_number() -> st.SearchStrategy[str]:
    """Numbers as a form sends them, and things that only look like numbers."""
    return st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["", "1e9", "NaN", "Infinity", "0x10", "٣", "1,5", " 7 ", "-0"]),
        hostile_text(40),
    )


def hostile_form(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(fields)


# Examples per form; pure functions get more than views, which run the whole request.
VIEW_EXAMPLES = 60
FUNCTION_EXAMPLES = 400

_COMMON = {
    "deadline": None,  # no timing assertions: a slow example is not a failure
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
HOSTILE_FORM = settings(max_examples=VIEW_EXAMPLES, **_COMMON)
HOSTILE_FUNCTION = settings(max_examples=FUNCTION_EXAMPLES, **_COMMON)


def post_hostile(client, url: str, data: dict, *, may_write_on_refusal: set[str] = frozenset()):
    """POST `data` to `url`: never a server error; a refused form writes nothing.

    Success is a redirect (302); any other answer is a refusal and must leave every table as it
    was, except the tables in `may_write_on_refusal` (the sign-in failure log, say).
    """
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code < 500, f"{response.status_code} for {data!r}"
    if response.status_code != 302:
        changed = changed_tables(before, row_counts())
        unexpected = {t: c for t, c in changed.items() if t not in may_write_on_refusal}
        assert not unexpected, f"refused ({response.status_code}) but wrote {unexpected}: {data!r}"
    return response
