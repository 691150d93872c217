"""Benchmark of the built-in 1:N de-duplication matcher on a synthetic gallery.

    .venv/bin/python bench/dedup.py                    # 1,000,000 persons (a few minutes, ~6 GB)
    .venv/bin/python bench/dedup.py --persons 100000   # quicker

Builds a gallery of fused person vectors drawn from the synthetic biometric model
(adminduk.biometrics.synthetic: a latent per person and modality plus capture noise), then
probes it with injected duplicate attempts (a new capture of a gallery person; some with a
modality missing, as when a finger or iris is an approved exception) and with fresh persons.
Prints: approximate index build time, memory (RSS growth and index size on disk), identify
throughput on 2 threads, FNIR and FPIR at the calibrated threshold, and the recall of the
approximate search against exact search.

Targets: identify ≥ 200/s on 2 cores; recall ≥ 99.9 %.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from adminduk.biometrics import index as ix  # noqa: E402
from adminduk.biometrics import synthetic  # noqa: E402
from adminduk.biometrics.fusion import FUSED_DIM, MODALITIES  # noqa: E402
from adminduk.biometrics.matching import THRESHOLD  # noqa: E402
from adminduk.biometrics.templates import DIM  # noqa: E402

TARGET_RATE = 200
TARGET_RECALL = 0.999


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--duplicates", type=int, default=2_000, help="injected duplicate attempts (mated probes)")
    parser.add_argument("--fresh", type=int, default=2_000, help="probes of persons not in the gallery")
    parser.add_argument("--missing", type=float, default=0.1, help="share of duplicate probes with one modality missing")
    parser.add_argument("--train-size", type=int, default=ix.TRAIN_SIZE, help="PQ training sample")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    faiss.omp_set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    n = args.persons
    train_size = min(n, args.train_size)
    print(f"gallery {n:,} persons · {FUSED_DIM} dims · threshold {THRESHOLD} · {args.threads} threads · "
          f"PQ{ix.PQ_M}x4 fast scan, exact re-rank of {ix.REFINE_FACTOR}×k")

    # --- Synthetic gallery, in chunks so the latents never all sit in memory ------------------
    started = time.perf_counter()
    dup_persons = np.sort(rng.choice(n, args.duplicates, replace=False))
    gallery = np.empty((n, FUSED_DIM), dtype=np.float32)
    dup_latents = {m: np.empty((args.duplicates, DIM), dtype=np.float32) for m in MODALITIES}
    chunk = 100_000
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        latents = synthetic.latent_blocks(rng, stop - start)
        gallery[start:stop] = synthetic.capture_blocks(latents, rng)
        inside = (dup_persons >= start) & (dup_persons < stop)
        for m in MODALITIES:
            dup_latents[m][inside] = latents[m][dup_persons[inside] - start]
    duplicates = synthetic.capture_blocks(dup_latents, rng)
    missing = rng.random(args.duplicates) < args.missing
    for row, modality in zip(np.flatnonzero(missing), rng.integers(0, len(MODALITIES), missing.sum()), strict=True):
        duplicates[row, modality * DIM : (modality + 1) * DIM] = 0.0
    fresh = synthetic.capture_blocks(synthetic.latent_blocks(rng, args.fresh), rng)
    probes = np.vstack([duplicates, fresh])
    ids = np.arange(n, dtype=np.int64)
    print(f"synthetic data generated in {time.perf_counter() - started:.1f} s ({gib(gallery.nbytes)} of vectors)")

    # --- Build the approximate index ---------------------------------------------------------
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = ix.VectorIndex(ix.APPROXIMATE)
    index.build(ids, gallery, train_size=train_size, seed=args.seed)
    build_seconds = time.perf_counter() - started
    rss_growth = rss_bytes() - rss_before
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        index_bytes = (Path(tmp) / "index.faiss").stat().st_size
    print(f"index build ({index.mode}, {len(index):,} vectors, train {train_size:,}): {build_seconds:.1f} s; "
          f"RSS +{gib(rss_growth)}; index file {gib(index_bytes)}")

    # --- Identify throughput (the matcher's own search path, with re-scoring) -------------------
    started = time.perf_counter()
    results = index.search(probes, args.top_k)
    batch_seconds = time.perf_counter() - started
    batch_rate = len(probes) / batch_seconds
    single = probes[:200]
    started = time.perf_counter()
    for probe in single:
        index.search(probe, args.top_k)
    single_rate = len(single) / (time.perf_counter() - started)
    print(f"identify: {batch_rate:,.0f}/s in batches of {len(probes):,}; {single_rate:,.0f}/s one at a time "
          f"(target ≥ {TARGET_RATE}/s) {'OK' if batch_rate >= TARGET_RATE else 'BELOW TARGET'} (batched)")

    # --- Accuracy at the threshold ------------------------------------------------------------
    d = args.duplicates
    misses = sum(1 for i in range(d) if not any(h.id == dup_persons[i] and h.score >= THRESHOLD for h in results[i]))
    false_dup = sum(1 for i in range(d) if any(h.id != dup_persons[i] and h.score >= THRESHOLD for h in results[i]))
    false_fresh = sum(1 for i in range(d, len(probes)) if any(h.score >= THRESHOLD for h in results[i]))
    print(f"FNIR {misses / d:.4%} ({misses}/{d} duplicates missed, {missing.sum()} probes with a modality missing); "
          f"FPIR {false_fresh / args.fresh:.4%} ({false_fresh}/{args.fresh} fresh persons flagged); "
          f"wrong candidates beside a true duplicate: {false_dup}")
    top_genuine = [h.score for i in range(d) for h in results[i][:1] if h.id == dup_persons[i]]
    top_fresh = [results[i][0].score for i in range(d, len(probes)) if results[i]]
    print(f"scores: duplicates' mate min {min(top_genuine):.3f} median {np.median(top_genuine):.3f}; "
          f"fresh persons' best impostor max {max(top_fresh):.3f} median {np.median(top_fresh):.3f}")

    # --- Recall against exact search ----------------------------------------------------------
    started = time.perf_counter()
    _, exact_ids = faiss.knn(probes, gallery, 1, metric=faiss.METRIC_INNER_PRODUCT)
    exact_seconds = time.perf_counter() - started
    exact_top = exact_ids[:, 0]
    approx_top = np.array([r[0].id if r else -1 for r in results])
    # Exact hits that matter: the exact best candidate scoring above the threshold.
    exact_scores = [ix.fused_scores(probes[i], gallery[exact_top[i] : exact_top[i] + 1])[0][0] for i in range(len(probes))]
    relevant = [i for i in range(len(probes)) if exact_scores[i] >= THRESHOLD]
    found = sum(1 for i in relevant if any(h.id == exact_top[i] for h in results[i]))
    recall_hits = found / len(relevant) if relevant else 1.0
    recall_dup = float(np.mean(approx_top[:d] == exact_top[:d]))
    recall_all = float(np.mean(approx_top == exact_top))
    print(f"recall vs exact ({exact_seconds:.1f} s exact, {len(probes) / exact_seconds:,.0f}/s): "
          f"above-threshold hits {recall_hits:.4%} ({found}/{len(relevant)}); recall@1 on duplicates {recall_dup:.4%} "
          f"(target ≥ {TARGET_RECALL:.1%}) {'OK' if min(recall_hits, recall_dup) >= TARGET_RECALL else 'BELOW TARGET'}")
    print(f"(recall@1 over fresh persons too, where the 'best' is a random impostor far below the threshold: {recall_all:.2%})")
    print(f"peak RSS {gib(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) * 1024)}")


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    main()
