"""The operators of bench/load.py (locust): kecamatan operators and supervisors at the central,
each logged in with their own account (password and TOTP code), doing a realistic mix with
think time. Reads the accounts and the residents to look up from ADMINDUK_LOAD_FIXTURE; writes
every response time once all users have logged in, split into reads (GET) and writes (POST), and
the logins apart, to ADMINDUK_LOAD_TIMES."""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

FIXTURE = json.load(open(os.environ["ADMINDUK_LOAD_FIXTURE"]))
ACCOUNTS = {role: itertools.cycle(accounts) for role, accounts in FIXTURE["accounts"].items()}
TIMES = {"read": [], "write": [], "login": [], "errors": []}
THINK = tuple(float(x) for x in os.environ.get("ADMINDUK_LOAD_THINK", "5,15").split(","))
STEADY = {"on": False}  # every user has logged in: the steady state the targets are for
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION = re.compile(r"/perekaman/sesi/([0-9a-f-]{36})/")


def totp(key_hex: str, at: float) -> str:
    counter = struct.pack(">Q", int(at // 30))
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


LOGGED_IN = {"users": 0}


def logged_in(environment) -> None:
    """The steady state starts when every user has logged in: statistics are reset then, and
    bench/load.py is told (the mark file) to start its clock."""
    LOGGED_IN["users"] += 1
    if not STEADY["on"] and LOGGED_IN["users"] >= environment.parsed_options.num_users:
        STEADY["on"] = True
        environment.stats.reset_all()
        open(os.environ["ADMINDUK_LOAD_STEADY"], "w").close()


@events.request.add_listener
def keep_time(request_type, name, response_time, exception, **kwargs):
    """Logins (argon2, deliberately slow, each user once at the start) are kept apart; pages are
    counted from the moment every user has logged in."""
    if exception is not None:
        TIMES["errors"].append(f"{request_type} {name}: {exception}"[:200])  # all of them, the start included
        return
    if name == "login":
        TIMES["login"].append(response_time)
    elif STEADY["on"]:
        TIMES["write" if request_type == "POST" else "read"].append(response_time)


@events.quitting.add_listener
def write_times(environment, **kwargs):
    with open(os.environ["ADMINDUK_LOAD_TIMES"], "w") as handle:
        json.dump(TIMES, handle)


class Staff(FastHttpUser):  # geventhttpclient: a quarter of HttpUser's CPU, which shares the 2 cores
    abstract = True
    role = ""
    wait_time = between(*THINK)  # an operator reads the page (or serves the resident) before the next click

    def on_start(self):
        try:
            self.log_in()
        finally:
            logged_in(self.environment)  # a failed login counts too: its errors are reported

    def log_in(self):
        self.account = next(ACCOUNTS[self.role])
        self.residents = FIXTURE["residents"][self.account["kecamatan"]]
        page = self.client.get("/login/", name="login page")
        found = CSRF.search(page.text or "")
        if not found:
            return  # the login page did not come (counted as an error by locust); tasks will fail too
        token = found.group(1)
        with self.client.post(
            "/login/",
            data={
                "username": self.account["username"], "password": self.account["password"],
                "otp_token": totp(self.account["totp_key"], time.time()), "csrfmiddlewaretoken": token, "next": "/",
            },
            name="login", catch_response=True, allow_redirects=False,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure("login refused")
            else:
                response.success()

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "adminduk_central_csrftoken"), "")

    def resident(self) -> dict:
        return random.choice(self.residents)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(10)
    def nik_search(self):
        self.client.get("/penduduk/cari/", params={"nik": self.resident()["nik"]}, headers={"HX-Request": "true"}, name="search NIK")

    @task(6)
    def name_search(self):
        words = self.resident()["name"].split()
        query = " ".join(reversed(words)) if len(words) > 1 and random.random() < 0.3 else " ".join(words)
        self.client.get("/penduduk/cari/", params={"nama": query}, headers={"HX-Request": "true"}, name="search name")

    @task(8)
    def resident_page(self):
        self.client.get(f"/penduduk/{self.resident()['nik']}/", name="resident page")

    @task(2)
    def family_page(self):
        self.client.get(f"/kk/{self.resident()['kk']}/", name="KK page")


class Operator(Staff):
    role = "operator"
    weight = 9

    @task(3)
    def recording_steps(self):
        """Call a resident to the station, open the session, capture the face, cancel."""
        self.client.get("/perekaman/", name="recording station")
        response = self.client.post(
            "/perekaman/panggil/", data={"nik": self.resident()["nik"], "csrfmiddlewaretoken": self.csrf()}, name="recording call",
            allow_redirects=False,
        )
        found = SESSION.search(response.headers.get("Location", "") if response.status_code == 302 else "")
        if not found:
            return  # refused with a reason on the page (e.g. being recorded at another station)
        session = found.group(1)
        self.client.get(f"/perekaman/sesi/{session}/", name="recording session")  # where the browser goes next
        self.client.post(
            f"/perekaman/sesi/{session}/rekam/face/", data={"condition": "good", "csrfmiddlewaretoken": self.csrf()},
            headers={"HX-Request": "true"}, name="recording capture face",
        )
        self.client.post(
            f"/perekaman/sesi/{session}/batal/", data={"reason": "uji beban", "csrfmiddlewaretoken": self.csrf()}, name="recording cancel"
        )


class Supervisor(Staff):
    role = "supervisor"
    weight = 1

    @task(2)
    def sync_page(self):
        self.client.get("/sinkronisasi/central/", name="sync page")
