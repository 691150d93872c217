import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
application = get_wsgi_application()

# Process-wide tables built on first use, built now, before the worker serves: the national
# region list behind every NIK check takes 0.8 s to read, and each thread of a new worker that met
# it first read it again (2 s stalls under load, after every worker restart).
from adminduk.regions.codes import province_codes_ever

province_codes_ever()  # and national_codes_to_kecamatan, which it reads

# What the worker has loaded so far (Django, the apps, the region list: about 300,000 objects)
# lives as long as the worker. Moved out of the cyclic garbage collector's sight, it is no longer
# scanned at every full collection, and collections come less often. A full collection held the
# interpreter lock, so every thread of the worker waited: with 200 operators at four times a
# busy pace on 2 cores (bench/load.py --think 1-4), 67 requests a second with reads at p95 2.2 s
# became 100 a second at p95 0.2 s. Workers restart every ADMINDUK_SERVE_MAX_REQUESTS requests,
# so cycles that would wait longer for a collection are bounded.
import gc  # noqa: E402

gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)
