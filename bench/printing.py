"""Card rendering throughput: KTP-el fronts rendered into one batch PDF (one CR-80 page per
card, each with its own photo and signature), and the peak memory it takes.
Target: at least 100 cards/s on one core (a card printer does 200–250 cards a day, so
rendering must never be what a print office waits for).

    .venv/bin/python bench/printing.py [--cards 1000] [--quick]

No database: the cards' fields, photos and signatures are synthetic, made before timing.
"""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc

TARGET_CARDS_PER_S = 100


def synthetic_cards(n: int):
    import numpy as np
    from PIL import Image, ImageDraw

    from adminduk.printing.personalisation import PHOTO_SIZE, SIGNATURE_SIZE, _fit

    rng = np.random.default_rng(2026)
    cards = []
    for i in range(n):
        photo = Image.new("RGB", PHOTO_SIZE, (200, 30, 40))
        draw = ImageDraw.Draw(photo)
        draw.ellipse((60, 50 + i % 20, 180, 200), fill=tuple(int(v) for v in rng.integers(120, 230, 3)))
        draw.rectangle((40, 210, 200, 300), fill=tuple(int(v) for v in rng.integers(0, 120, 3)))
        signature = Image.new("L", SIGNATURE_SIZE, 255)
        ImageDraw.Draw(signature).line([(int(x), int(y)) for x, y in rng.integers(5, 95, (8, 2)) * [3, 1]], fill=0, width=3)
        out_photo, out_sig = io.BytesIO(), io.BytesIO()
        photo.save(out_photo, "PNG")
        signature.save(out_sig, "PNG")
        # As personalisation stores them: JPEGs fitted to the card.
        photo_jpeg, signature_jpeg = _fit(out_photo.getvalue(), PHOTO_SIZE), _fit(out_sig.getvalue(), SIGNATURE_SIZE, ink=True)
        fields = {
            "provinsi": "PROVINSI SULAWESI TENGAH", "kabupaten_kota": "KOTA PALU", "nik": f"727108{570590 + i % 9:06d}{i % 9999 + 1:04d}",
            "nama": f"WARGA CONTOH {i:05d}", "tempat_tgl_lahir": "PALU, 17-05-1990", "jenis_kelamin": "PEREMPUAN", "gol_darah": "O+",
            "alamat": f"JL. KIMAJA NO. {i % 200 + 1}", "rt_rw": "003/002", "kel_desa": "TANAMODINDI", "kecamatan": "MANTIKULORE",
            "agama": "ISLAM", "status_perkawinan": "BELUM KAWIN", "pekerjaan": "KARYAWAN SWASTA", "kewarganegaraan": "WNI",
            "berlaku_hingga": "SEUMUR HIDUP", "tempat_terbit": "PALU", "tanggal_terbit": "24-11-2026",
        }
        cards.append((fields, photo_jpeg, signature_jpeg))
    return cards


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 cards (well under a minute)")
    args = parser.parse_args()
    n = 200 if args.quick else args.cards
    if n < 1:
        print("--cards must be at least 1", file=sys.stderr)
        return 2
    os.environ.setdefault("ADMINDUK_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
    import django

    django.setup()
    from adminduk.printing import rendering

    cards = synthetic_cards(n)
    tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    pdf = rendering.cards_pdf(cards)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    png_started = time.process_time()
    for card in cards[:50]:
        rendering.card_png(*card)
    png_rate = min(50, n) / (time.process_time() - png_started)
    rate, cpu_rate = n / elapsed, n / cpu
    print(f"{n} cards into one PDF of {len(pdf) / 1e6:.1f} MB in {elapsed:.2f} s wall, {cpu:.2f} s CPU (target ≥ {TARGET_CARDS_PER_S} cards/s on one core)")
    print(f"RESULT cards_per_s={rate:.0f} cards/s")
    print(f"RESULT cards_per_cpu_s={cpu_rate:.0f} cards/s")
    print(f"RESULT pdf_bytes_per_card={len(pdf) / n:.0f} bytes")
    print(f"RESULT peak_python_memory={peak / 1e6:.1f} MB")
    print(f"RESULT max_rss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"RESULT png_cards_per_cpu_s={png_rate:.0f} cards/s")
    # One core's worth of CPU time: on a shared machine the wall-clock rate also counts waiting.
    return 0 if cpu_rate >= TARGET_CARDS_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
