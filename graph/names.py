"""Names across scripts and romanisations: normalise them, key them, compare them.

North Korean names reach a documentation group in Hangul (온성군), in McCune-Reischauer
(Onsŏng-gun), in Revised Romanisation (Onseong-gun) and in ad-hoc spellings (Onsong, On-song), and
family names in North and South Korean forms (리/이, Ri/Lee/Yi). Three levels of equality, each
looser than the last:

- `normalise`: case, width, diacritics, spaces, hyphens and apostrophes do not count
  ("Onsŏng" = "onsong" = "On-song");
- `key`: the two romanisations and common spellings meet (eo/o, eu/u, ch/j, k/g, p/b, t/d, r/l,
  an initial r or n dropped before i or y, the usual spellings of common family names); in
  Hangul, the initial sound law (리 -> 이, 량 -> 양, 로 -> 노); word order does not count;
- `key(..., place=True)`: generic place words are dropped as well (county, province, city, -gun,
  -do, -si, 군, 도, 시).

`similarity` scores a pair from 1.0 (same normalised text) down, and says which level matched.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
# Vowel indexes (jungseong) of ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ: before them an initial ㄹ or ㄴ becomes ㅇ.
_IY_VOWELS = frozenset({2, 3, 6, 7, 12, 17, 20})
_RIEUL, _NIEUN, _IEUNG = 5, 2, 11

# Apostrophes and hyphens in their typographic forms (written as escapes: they look alike).
_APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_SEPARATORS = re.compile(rf"[\s{_DASHES}_.,\u00b7/()\[\]]+")
_ROMAN_VOWELS = (("eo", "o"), ("eu", "u"), ("oo", "u"), ("ou", "o"), ("ee", "i"))
_ROMAN_CONSONANTS = (("sh", "s"), ("ch", "j"), ("k", "g"), ("p", "b"), ("t", "d"), ("r", "l"))
# Common Korean family names in their usual romanised spellings, as the substitutions above leave
# them (Lee -> li, Park -> balg, Choi -> joi, Chung -> jung), and the one key each stands for.
_FAMILY_NAMES = {
    "li": "i", "yi": "i", "lhi": "i", "balg": "bag", "joi": "joe", "jwe": "joe", "jung": "jong",
    "oh": "o", "suh": "so", "noh": "no", "loh": "no",
}  # fmt: skip
_PLACE_WORDS = frozenset(
    {
        "county", "province", "city", "district", "prefecture", "special", "municipality",
        "gun", "kun", "si", "shi", "do", "to", "up", "eup", "gu", "ku", "guyok", "kuyok",
        "guyeok", "xian", "sheng",
    }
)  # fmt: skip
_PLACE_SUFFIXES_KO = ("구역", "군", "시", "도", "읍", "구")


def _strip_marks(char: str) -> str:
    if HANGUL_FIRST <= ord(char) <= HANGUL_LAST:
        return char  # NFKD would split a Hangul syllable into its letters
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def words(text: str, hyphens_split: bool = False) -> list[str]:
    """The words of a name: case, width, diacritics and apostrophes removed; split at spaces.

    Hyphens join (``Chol-min`` is one word, ``cholmin``) unless hyphens_split; spaces, slashes
    and brackets split.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(_strip_marks(c) for c in text if c not in _APOSTROPHES)
    if not hyphens_split:
        text = re.sub(rf"(?<=\w)[{_DASHES}](?=\w)", "", text)
    return [w for w in _SEPARATORS.split(text) if w]


def normalise(text: str) -> str:
    """A name with case, width, diacritics, spaces, hyphens and apostrophes removed."""
    return "".join(words(text))


def _hangul_initial_law(word: str) -> str:
    """The South Korean spelling of a word's first syllable (리 -> 이, 량 -> 양, 로 -> 노)."""
    code = ord(word[0]) - HANGUL_FIRST
    if not 0 <= code <= HANGUL_LAST - HANGUL_FIRST:
        return word
    initial, rest = divmod(code, 21 * 28)
    vowel = rest // 28
    if initial == _RIEUL:
        initial = _IEUNG if vowel in _IY_VOWELS else _NIEUN
    elif initial == _NIEUN and vowel in _IY_VOWELS:
        initial = _IEUNG
    else:
        return word
    return chr(HANGUL_FIRST + initial * 21 * 28 + rest) + word[1:]


def _roman(word: str) -> str:
    for old, new in _ROMAN_VOWELS + _ROMAN_CONSONANTS:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)
    if len(word) > 2 and word[0] in "ln" and word[1] in "iy":
        word = word[1:]
    return word


def _word_key(word: str, place: bool) -> str:
    if word and HANGUL_FIRST <= ord(word[0]) <= HANGUL_LAST:
        word = _hangul_initial_law(word)
        if place:
            for suffix in _PLACE_SUFFIXES_KO:
                if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                    return word[: -len(suffix)]
        return word
    if word.isascii():
        return _roman(word)
    return word


@lru_cache(maxsize=65536)
def key(text: str, place: bool = False) -> str:
    """A loose key of a name: equal for spellings of the same name (see the module docstring).

    A person's words are keyed one by one and sorted (word order does not count); a place's words
    are kept in order without the generic place words (``Onseong-gun``, ``Onsong County`` and
    ``온성군`` give ``onsong`` and ``온성``).
    """
    if place:
        found = words(text, hyphens_split=True)
        found = [w for w in found if w not in _PLACE_WORDS] or found
        return _word_key("".join(found), place=True)
    keys = [_word_key(w, False) for w in words(text)]
    if len(keys) >= 2:
        for position in (0, -1):
            keys[position] = _FAMILY_NAMES.get(keys[position], keys[position])
    return "".join(sorted(k for k in keys if k))


def ratio(a: str, b: str) -> float:
    """difflib's similarity ratio of two keys, 0 when its quick upper bounds are under 0.5."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def similarity(query: str, name: str, place: bool = False) -> tuple[float, str]:
    """How alike two names are, from 1.0 down, and the level that matched.

    1.0 "exact" (same normalised text), 0.95 "spelling" (same key: romanisation, family name,
    initial sound law, word order), 0.9 "place-word" (same once generic place words are dropped;
    only with place=True), else 0.85 times the similarity ratio of the two keys ("fuzzy").
    """
    if normalise(query) == normalise(name):
        return 1.0, "exact"
    loose_query, loose_name = key(query), key(name)
    if loose_query and loose_query == loose_name:
        return 0.95, "spelling"
    if place:
        bare_query, bare_name = key(query, True), key(name, True)
        if bare_query and bare_query == bare_name:
            return 0.9, "place-word"
        loose_query, loose_name = bare_query, bare_name
    return round(0.85 * ratio(loose_query, loose_name), 4), "fuzzy"


def script_language(text: str) -> str | None:
    """The language tag a label in this script most likely has: ko, en (Latin), zh, ru, or None."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    first = letters[0]
    if "\uac00" <= first <= "\ud7a3" or "\u1100" <= first <= "\u11ff":
        return "ko"
    if "\u4e00" <= first <= "\u9fff":
        return "zh"
    if "\u0400" <= first <= "\u04ff":
        return "ru"
    if first.isascii() or unicodedata.name(first, "").startswith("LATIN"):
        return "en"
    return None
