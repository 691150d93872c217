"""Find residents by name: typos and word order tolerated, optionally with a birth date or year.

Semantics, the same on both databases: every word of the query must match a word of the name,
exactly or with a small typo; the name may have more words (a surname the operator left out);
word order does not matter. The database finds the candidates through an index; rapidfuzz
ranks them, so both databases order results alike.

Each query word is expanded to the registry's name words within a small edit distance
(typo_budget) and, for 3 letters or more, to the longer words it begins ("budi" -> "budiman").
The distinct name words live in population_name_word, kept in step by triggers (migration 0003).

The index (migration 0005) holds each resident's name words, the same words keyed by the
resident's kab/kota and kecamatan ("~k72.71.08~siti"), and the birth year ("~y1983"). Given
the areas of the operator's jurisdiction, a search reads only the postings of those areas and
intersects them with the birth year inside the index: its cost follows the size of a kecamatan
and the rarity of the name, not the size of the registry. At most CANDIDATE_LIMIT + 1 rows are
read; rapidfuzz ranks them in Python, so both databases order results alike.

- PostgreSQL: a GIN trigram index (pg_trgm) on the word table finds the words near a query
  word; one GIN index on adminduk_name_keys(full_name, kelurahan_id, birth_date) answers the
  word, area and year conditions in one scan.
- SQLite: the word table is scanned by length (the only words a typo budget can reach); an
  FTS5 index of the name words and keys, kept by triggers, finds the residents (prefix queries
  for the longer words).

The caller passes the residents it may see (accounts.scoping.residents_for) and the areas they
live in (Scope.area_codes): the index narrows, the queryset decides, so the search never
leaves the user's jurisdiction.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

MIN_LETTERS = 3  # a query needs at least this many letters in all
MAX_WORDS = 6
MAX_QUERY_LENGTH = 120  # as Resident.full_name
CANDIDATE_LIMIT = 200  # candidates ranked per search; more means "narrow the search"
RESULT_LIMIT = 20
VOCABULARY_SIMILARITY = 0.2  # pg_trgm: low enough to reach every word within a typo budget
PREFIX_LIMIT = 50  # longer words a query word may begin
EARLIEST_BIRTH_YEAR = 1850
STATISTICS_FROM_ROWS = 5000  # SQLite: below this many residents any query plan is fast

_NON_WORD = re.compile(r"[^0-9a-z]+")


class SearchError(ValueError):
    """A query that cannot be searched; `message` says what to fix (translated)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def normalize_name(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: diacritics folded, punctuation gone
    ("Ma'ruf  Amin, S.Pd" -> "ma ruf amin s pd"), as the SQLite index splits words."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


@dataclass(frozen=True)
class NameQuery:
    words: tuple[str, ...]
    birth_date: dt.date | None = None
    birth_year: int | None = None

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse_birth(value: str, today: dt.date) -> tuple[dt.date | None, int | None]:
    """A birth year ("1983") or date ("21-07-1983", "21/07/1983", "1983-07-21"), or nothing."""
    value = value.strip()
    if not value:
        return None, None
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        if not EARLIEST_BIRTH_YEAR <= year <= today.year:
            raise SearchError(
                "birth_year",
                _("Birth year %(year)s is out of range %(first)s–%(last)s.")
                % {"year": value, "first": EARLIEST_BIRTH_YEAR, "last": today.year},
            )
        return None, year
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)):
        parts = iso.groups()
    if parts is None:
        raise SearchError("birth_format", _("Write the birth date as DD-MM-YYYY, or only the year (YYYY)."))
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise SearchError("birth_date", _("%(value)s is not a date that exists.") % {"value": value}) from None
    if not dt.date(EARLIEST_BIRTH_YEAR, 1, 1) <= day <= today:
        raise SearchError("birth_date", _("The birth date %(value)s is in the future or too long ago.") % {"value": value})
    return day, None


def parse_query(name: str, birth: str = "", *, today: dt.date) -> NameQuery:
    """Validate what the operator typed; SearchError says exactly what to fix."""
    if len(name) > MAX_QUERY_LENGTH:
        raise SearchError("too_long", _("A name has at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH})
    words = tuple(dict.fromkeys(normalize_name(name).split()))  # repeated words count once
    if sum(len(w) for w in words if not w.isdigit()) < MIN_LETTERS:
        raise SearchError("too_short", _("Type at least %(n)d letters of the name.") % {"n": MIN_LETTERS})
    if len(words) > MAX_WORDS:
        raise SearchError("too_many_words", _("Type at most %(n)d words of the name.") % {"n": MAX_WORDS})
    birth_date, birth_year = parse_birth(birth, today)
    return NameQuery(words, birth_date, birth_year)


@dataclass(frozen=True)
class Match:
    resident_id: object
    full_name: str
    score: float


@dataclass(frozen=True)
class NameSearchResult:
    query: NameQuery
    matches: list[Match]
    truncated: bool  # more candidates than CANDIDATE_LIMIT: the operator should narrow the search


def score(query: NameQuery, full_name: str) -> float:
    """0..100: how well the name matches. Each query word against its best name word (typos
    cost a little), then a small share for the whole name (fewer extra words rank higher)."""
    name = normalize_name(full_name)
    name_words = name.split() or [""]
    per_word = [max(fuzz.ratio(word, candidate) for candidate in name_words) for word in query.words]
    return 0.85 * (sum(per_word) / len(per_word)) + 0.15 * fuzz.token_sort_ratio(query.text, name)


def area_of(code: str) -> str:
    """A kab/kota ("72.71") or kecamatan ("72.71.08") code as the index key of its residents
    (migration 0005); ValueError for anything else."""
    if re.fullmatch(r"\d{2}\.\d{2}", code):
        return "~r" + code
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", code):
        return "~k" + code
    raise ValueError(f"an area is a kab/kota or kecamatan code, not {code!r}")


def search_names(residents: QuerySet, query: NameQuery, *, areas: Iterable[str] = (), limit: int = RESULT_LIMIT) -> NameSearchResult:
    """The best `limit` matches among `residents` (already limited to the user's jurisdiction).

    `areas`: the kab/kota and kecamatan codes that jurisdiction covers (accounts.scoping's
    Scope.area_codes). The index then finds only residents of those areas, so a common name
    costs what it costs in one kecamatan, not in the whole registry; `residents` still decides
    who may be seen. Without areas the index looks across the whole registry."""
    keys = [area_of(code) for code in sorted(set(areas))]
    year = query.birth_date.year if query.birth_date else query.birth_year
    born = Q()
    if query.birth_date:
        born = Q(birth_date=query.birth_date)
    elif query.birth_year:
        born = Q(birth_date__gte=dt.date(query.birth_year, 1, 1), birth_date__lte=dt.date(query.birth_year, 12, 31))
    candidates = residents.order_by().filter(born)
    if connection.vendor == "postgresql":
        find = _postgres_candidates
    elif connection.vendor == "sqlite":
        find = _sqlite_candidates
    else:
        raise NotImplementedError(f"name search supports PostgreSQL and SQLite, not {connection.vendor}")
    if keys:
        # The index alone finds the candidates: joined with the jurisdiction's own filter (a
        # join with the kelurahan table), the planner ANDs the index with the address index
        # and reads every resident of the kecamatan. The jurisdiction's filter then checks the
        # matches shown: areas from the same scope let every one through.
        rows = find(candidates.model._default_manager.order_by().filter(born), query, keys, year)
        ranked = _ranked(query, rows)
        shown = [m.resident_id for m in ranked[:limit]]
        if len(set(candidates.filter(pk__in=shown).values_list("pk", flat=True))) < len(shown):
            # The areas reach beyond `residents` (a caller's mistake): ask within them.
            rows = find(candidates, query, keys, year)
            ranked = _ranked(query, rows)
    else:
        rows = find(candidates, query, keys, year)
        ranked = _ranked(query, rows)
    truncated = len(rows) > CANDIDATE_LIMIT
    return NameSearchResult(query, ranked[:limit], truncated)


def _ranked(query: NameQuery, rows: list[tuple]) -> list[Match]:
    matches = (Match(pk, name, score(query, name)) for pk, name in rows[:CANDIDATE_LIMIT])
    return sorted(matches, key=lambda m: (-m.score, m.full_name))


def _postgres_candidates(candidates: QuerySet, query: NameQuery, areas: list[str], year: int | None) -> list[tuple]:
    table = connection.ops.quote_name(candidates.model._meta.db_table)
    keys = f"adminduk_name_keys({table}.full_name, {table}.kelurahan_id, {table}.birth_date)"
    near = _postgres_vocabulary_near(query.words)
    # Every condition on the same indexed expression: PostgreSQL answers them in one GIN scan.
    conditions = []
    for word in query.words:
        variants = word_variants(word, near[word]) + prefixed_words(word, near[word])
        # Within the areas: the word keys of those areas only (migration 0005).
        conditions.append((f"{keys} && %s::text[]", [f"{area}~{v}" for area in areas for v in variants] if areas else variants))
    if year:
        conditions.append((f"{keys} @> %s::text[]", [f"~y{year}"]))
    for sql, values in conditions:
        candidates = candidates.filter(RawSQL(sql, [values], output_field=BooleanField()))
    return list(candidates.values_list("pk", "full_name")[: CANDIDATE_LIMIT + 1])


def _postgres_vocabulary_near(words: tuple[str, ...]) -> dict[str, list[str]]:
    """For each query word, the registry's name words that share trigrams with it or begin
    with it (GIN trigram index on the word table), in one round trip."""
    sql = " UNION ALL ".join(["SELECT %s, word FROM population_name_word WHERE word %% %s OR word LIKE %s"] * len(words))
    params = []
    for word in words:
        params += [word, word, word + "%"]
    near = {word: [] for word in words}
    with connection.cursor() as cursor:
        # The session's threshold for `%` (only this module uses the operator), as a statement of
        # its own: a prepared statement (settings: server-side binding) holds one command only.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(VOCABULARY_SIMILARITY)])
        cursor.execute(sql, params)
        for word, candidate in cursor.fetchall():
            near[word].append(candidate)
    return near


def prefixed_words(word: str, vocabulary: list[str]) -> list[str]:
    """Longer registry words that begin with `word` ("budi" -> "budiman"), shortest first."""
    if len(word) < MIN_LETTERS:
        return []
    longer = [w for w in vocabulary if w.startswith(word) and w != word]
    return sorted(longer, key=lambda w: (len(w), w))[:PREFIX_LIMIT]


def typo_budget(word: str) -> int:
    """Edits tolerated in a query word: none for short words, one up to 5 letters, else two."""
    if len(word) <= 3 or word.isdigit():
        return 0
    return 1 if len(word) <= 5 else 2


def word_variants(word: str, vocabulary: list[str]) -> list[str]:
    """`word` and the registry's name words within its typo budget, closest first."""
    budget = typo_budget(word)
    variants = [word]
    if budget:
        found = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=budget, limit=50)
        variants += [candidate for candidate, _distance, _index in sorted(found, key=lambda f: f[1]) if candidate != word]
    return variants


def _sqlite_vocabulary_near(word: str) -> list[str]:
    """Name words of a similar length (the only ones a typo budget can reach), normalized."""
    budget = typo_budget(word)
    if not budget:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM population_name_word WHERE length(word) BETWEEN %s AND %s",
            [len(word) - budget, len(word) + budget],
        )
        return sorted({normalize_name(w) for (w,) in cursor.fetchall()} - {""})


def _fts_term(word: str, *, prefix: bool = False) -> str:
    """An FTS5 string term; with `prefix`, also the longer words it begins ("budi" -> "budiman")."""
    return '"' + word.replace('"', "") + '"' + ("*" if prefix else "")


def _ensure_sqlite_statistics() -> None:
    """Without table statistics SQLite's planner walks every resident of the jurisdiction and
    probes the FTS5 result for each (hundreds of ms at a million residents) instead of reading
    the few matching rows. Sampled statistics (PRAGMA analysis_limit) take milliseconds;
    they are refreshed when the registry has grown to twice what they describe."""
    from django.db.utils import OperationalError

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(rowid) FROM population_resident")
        rows = cursor.fetchone()[0] or 0
        if rows < STATISTICS_FROM_ROWS:
            return
        try:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'population_resident' AND idx = 'resident_address_idx'")
            found = cursor.fetchone()
        except OperationalError:  # no statistics table yet
            found = None
        described = int(found[0].split()[0]) if found and found[0] else 0
        if described * 2 < rows:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE population_resident")
            cursor.execute("ANALYZE regions_kelurahan")


def _sqlite_candidates(candidates: QuerySet, query: NameQuery, areas: list[str], year: int | None) -> list[tuple]:
    _ensure_sqlite_statistics()
    groups = []
    for word in query.words:
        variants = word_variants(word, _sqlite_vocabulary_near(word))
        # The word itself also as a prefix (as pg_trgm's word similarity lets "budi" find "budiman").
        # Within the areas: the word keys of those areas only, without dots (migration 0005).
        terms = []
        for key in [area.replace(".", "") + "~" for area in areas] or [""]:
            terms += [_fts_term(key + word, prefix=len(word) >= MIN_LETTERS)] + [_fts_term(key + v) for v in variants[1:]]
        groups.append("(" + " OR ".join(terms) + ")")
    if year:
        groups.append(_fts_term(f"~y{year}"))
    table = connection.ops.quote_name(candidates.model._meta.db_table)
    in_index = RawSQL(
        f"{table}.rowid IN (SELECT rowid FROM population_resident_name WHERE population_resident_name MATCH %s)",
        [" AND ".join(groups)],
        output_field=BooleanField(),
    )
    return list(candidates.filter(in_index).values_list("pk", "full_name")[: CANDIDATE_LIMIT + 1])


def rebuild_name_index() -> None:
    """See population.name_index.rebuild_name_index."""
    from . import name_index

    name_index.rebuild_name_index()
