"""Benchmark of the name search on a generated registry, beside a plain LIKE query.

    .venv/bin/python bench/search.py                      # 1,200,000 residents on SQLite
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/search.py --quick              # 50,000 residents, under a minute

Makes a throwaway database (as bench/generate.py), generates the residents of Kota Palu with
the project's generator (the index follows through the triggers / the GIN index), then runs
--queries name searches drawn from the registry: a typo in one word, the words reversed, and
the name with its birth year, each as a kecamatan operator would (the jurisdiction filter
included). For each query it times population.search.search_names (indexed, ranked) and a
plain `full_name LIKE '%word%'` query per word on the same rows (exact words only: LIKE cannot
tolerate a typo). Prints p50/p95 and the RESULT lines. Target: p95 < 50 ms.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import KOTA, load_kota, parse, percentile, setup_django, throwaway_database  # noqa: E402

TARGET_MS = 50.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1_200_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parse(parser, argv, quick={"residents": 50_000, "queries": 100}, quick_help="50,000 residents and 100 queries")
    if args.residents < 1000 or args.queries < 1:
        parser.error("--residents must be at least 1000 and --queries at least 1")
    with throwaway_database(args.database_url, "adminduk-bench-search-"):
        return run(args)


def _typo(word: str, rng: random.Random) -> str:
    """One edit (delete, substitute or insert) away from `word`, not at its first letter."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.choice(("delete", "substitute", "insert"))
    letter = rng.choice("aeiouy")
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + letter + word[i + 1 :]
    return word[:i] + letter + word[i:]


def run(args) -> int:
    setup_django()
    from django.db import connection
    from django.db.models import Q

    from adminduk.population import search
    from adminduk.population.generator import generate_population
    from adminduk.population.models import Resident
    from adminduk.regions.models import Kecamatan

    started = time.perf_counter()
    load_kota()
    print(f"database   {connection.vendor} {connection.settings_dict['NAME']}")
    t0 = time.perf_counter()
    result = generate_population(KOTA, args.residents, seed=args.seed)
    print(f"generate   {result.residents:,} residents in {time.perf_counter() - t0:.1f} s (index kept by the database)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE population_resident")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"set-up     {time.perf_counter() - started:.1f} s in all")

    rng = random.Random(args.seed)
    kecamatan = list(Kecamatan.objects.filter(code__startswith=KOTA + ".").values_list("code", flat=True))
    total = Resident.objects.count()
    sample = []
    rows = Resident.objects.order_by("?").values("full_name", "birth_date", "kelurahan__kecamatan")[: args.queries]
    for row in rows:
        words = search.normalize_name(row["full_name"]).split()
        kind = ("typo", "order", "year")[len(sample) % 3]
        if kind == "typo":
            i = rng.randrange(len(words))
            words = words[:i] + [_typo(words[i], rng)] + words[i + 1 :]
            query, exact, birth = " ".join(words), search.normalize_name(row["full_name"]).split(), ""
        elif kind == "order":
            query, exact, birth = " ".join(reversed(words)), words, ""
        else:
            query, exact, birth = " ".join(words), words, str(row["birth_date"].year)
        sample.append((kind, query, exact, birth, row["full_name"], row["kelurahan__kecamatan"]))
    print(f"queries    {len(sample)} (typo, word order, with birth year), {len(kecamatan)} kecamatan")

    today = dt.date.today()
    indexed, busy, plain, found_index, found_like = [], [], [], 0, 0
    for kind, query, exact, birth, full_name, kecamatan_code in sample:
        scoped = Resident.objects.filter(kelurahan__kecamatan=kecamatan_code)  # as scoping.residents_for
        parsed = search.parse_query(query, birth, today=today)
        t, cpu = time.perf_counter(), time.process_time()
        outcome = search.search_names(scoped, parsed, areas=[kecamatan_code])
        indexed.append((time.perf_counter() - t) * 1000)
        busy.append((time.process_time() - cpu) * 1000)
        ids = [m.resident_id for m in outcome.matches]
        found_index += full_name in {m.full_name for m in outcome.matches} and bool(ids)

        like = scoped
        for word in exact:
            like = like.filter(Q(full_name__icontains=word))
        if birth:
            like = like.filter(birth_date__year=int(birth))
        t = time.perf_counter()
        names = list(like.values_list("full_name", flat=True)[: search.RESULT_LIMIT])
        plain.append((time.perf_counter() - t) * 1000)
        found_like += full_name in names

    vendor = connection.vendor
    # Latencies on a shared machine grow with its load: print it beside the figures.
    print(f"load       {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (1 min)")
    for label, times in (("indexed", indexed), ("like", plain)):
        print(
            f"{label:<10} p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms   "
            f"max {max(times):7.1f} ms"
        )
    # SQLite runs inside this process: its CPU time is the search's own cost, whatever the
    # machine's load (on PostgreSQL the server's share is not counted, so it is not shown).
    if connection.vendor == "sqlite":
        print(f"cpu        p50 {statistics.median(busy):7.1f} ms   p95 {percentile(busy, 0.95):7.1f} ms   (this process's CPU time per search)")
    print(f"found      indexed search {found_index}/{len(sample)} (typos included); LIKE {found_like}/{len(sample)} (exact words given)")
    p95 = percentile(indexed, 0.95)
    print("target     " + ("met" if p95 < TARGET_MS else "NOT met") + f" (p95 < {TARGET_MS:.0f} ms on {total:,} residents)")
    print(f"RESULT {vendor}_name_search_p50={statistics.median(indexed):.1f} ms")
    print(f"RESULT {vendor}_name_search_p95={p95:.1f} ms")
    if vendor == "sqlite":
        print(f"RESULT sqlite_name_search_cpu_p95={percentile(busy, 0.95):.1f} ms")
    print(f"RESULT {vendor}_like_p50={statistics.median(plain):.1f} ms")
    print(f"RESULT {vendor}_like_p95={percentile(plain, 0.95):.1f} ms")
    print(f"RESULT {vendor}_name_search_found={100 * found_index / len(sample):.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
