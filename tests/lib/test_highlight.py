"""The matched words of a search result and the excerpt around them."""

from __future__ import annotations

from rapport.lib.highlight import excerpt, flatten, fold, substring_spans, word_spans


def marked(text: str, spans: list[tuple[int, int]], width: int = 160) -> str:
    return "".join(f"[{t}]" if hit else t for t, hit in excerpt(text, spans, width=width))


def test_words_match_folded_and_the_last_as_a_prefix() -> None:
    text = "El ñandú comió algo raro; the Ñandu ate"
    assert marked(text, word_spans(text, ["nandu", "com"])) == (
        "El [ñandú] [comió] algo raro; the [Ñandu] ate"
    )
    assert word_spans(text, ["nandu", "zebra"]) == []  # every word, or nothing
    assert word_spans(text, ["nandu", "zebra"], require_all=False) == [(3, 8), (30, 35)]
    assert word_spans(text, ["co"]) == []  # two letters are no prefix


def test_substrings_and_prefixes() -> None:
    assert substring_spans("+34612345678", ["612345678"]) == [(3, 12)]
    assert substring_spans("+34612345678", ["+34612", "612345"]) == [(0, 9)]  # merged
    assert substring_spans("x:jo_quinn", ["quinn"], prefix_only=True) == []
    assert substring_spans("x:jo_quinn", ["X:JO"], prefix_only=True) == [(0, 4)]


def test_excerpt_cuts_around_the_first_match_at_spaces() -> None:
    text = " ".join(f"word{n}" for n in range(60)) + " antibiotics " + "tail " * 40
    spans = word_spans(text, ["antibiotics"])
    shown = marked(text, spans, width=80)
    assert shown.startswith("…") and shown.endswith("…")
    assert "[antibiotics]" in shown
    assert len(shown) <= 80 + 4
    assert shown[1:].split(" ")[0].startswith("word")  # not cut inside a word


def test_short_text_is_whole_and_lines_are_flattened() -> None:
    assert flatten("Owner says\n\n  fine.\t") == "Owner says fine."
    assert marked("Call back", []) == "Call back"
    assert fold("ÉCOLE") == "ecole"
