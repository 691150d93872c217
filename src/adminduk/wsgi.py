import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminduk.settings")
application = get_wsgi_application()

# Process-wide tables built on first use, built now, before the worker serves: the national
# region list behind every NIK check takes 0.8 s to read, and each thread of a new worker that met
# it first read it again (2 s stalls under load, after every worker restart).
from adminduk.regions.codes import province_codes_ever

province_codes_ever()  # and national_codes_to_kecamatan, which it reads
