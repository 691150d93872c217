"""The pull cursor's parts: each stream reads its own position and writes it back without
touching the others'; an unreadable token is a fresh start, never an error."""

import base64
import json

import pytest

from adminduk.sync import keyset


def token(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def test_a_part_is_read_back_after_it_is_folded_in():
    answer = {"cursor": token({"v": 1, "r": ["2026-12-01T00:00:00+00:00", "0"]})}
    keyset.fold_into_cursor(answer, "p", {"jobs": ["2026-12-02T08:00:00+00:00", "abc"]})
    keyset.fold_into_cursor(answer, "c", ["2026-12-02T09:00:00+00:00", "def"])
    assert keyset.cursor_part(answer["cursor"], "p") == {"jobs": ["2026-12-02T08:00:00+00:00", "abc"]}
    assert keyset.cursor_part(answer["cursor"], "c") == ["2026-12-02T09:00:00+00:00", "def"]
    assert keyset.cursor_part(answer["cursor"], "r") == ["2026-12-01T00:00:00+00:00", "0"]  # the residents' own position stays


def test_an_answer_without_a_cursor_gets_a_fresh_one():
    answer = {"cursor": ""}
    keyset.fold_into_cursor(answer, "a", {})
    assert json.loads(base64.urlsafe_b64decode(answer["cursor"]))["v"] == 1


@pytest.mark.parametrize("bad", ["", "not base64 at all!", token([1, 2]), base64.urlsafe_b64encode(b"\xff\xfe").decode(), token({"v": 1})])
def test_an_unreadable_or_partless_token_is_a_fresh_start(bad):
    assert keyset.cursor_part(bad, "p") is None
