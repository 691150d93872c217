"""A discrete-event simulation (SimPy) of one office's recording day: booked and walk-in
residents arrive, wait for a recording set and are recorded; booked residents go first,
some do not come, and whoever is still waiting at closing time goes home unserved.

Evening service (day close to evening close) changes two things: the office takes residents
then, and the residents who can only come after work come then. Without it, a share of that
evening demand crowds into the afternoon instead and the rest does not come that day.

Deterministic for a seed (random.Random per replication); no Django."""

import math
import random
from dataclasses import dataclass, field

import simpy

# Walk-ins per hour of the day as a share of the office's recording capacity in that hour
# (sets x 60 / mean service minutes): a morning rush, a lunch dip, and an evening peak of
# people who come after work.
DEFAULT_WALK_IN_PROFILE = {
    7: 0.3, 8: 0.9, 9: 1.0, 10: 0.9, 11: 0.7, 12: 0.4, 13: 0.6, 14: 0.7, 15: 0.7,
    16: 1.0, 17: 1.2, 18: 1.0, 19: 0.5,
}  # fmt: skip


@dataclass(frozen=True)
class SimulationInputs:
    sets: int = 2
    day_opens: float = 8.0  # hours since midnight
    day_closes: float = 16.0
    evening_closes: float = 20.0
    service_mean_minutes: float = 5.0  # appointments' default minutes per recording
    service_sd_minutes: float = 1.5
    booked_share: float = 0.4  # of each service hour's capacity taken by bookings
    no_show_rate: float = 0.15  # of bookings
    walk_in_share: float = 0.6  # walk-in demand on top, times the hourly profile
    walk_in_per_hour: dict[int, float] = field(default_factory=dict)  # observed walk-ins per hour; profile where missing
    evening_shift_to_afternoon: float = 0.5  # of evening demand that comes in the afternoon when there is no evening
    source: str = "defaults"  # "defaults" or "queue"
    notes: tuple[str, ...] = ()

    def capacity_per_hour(self) -> float:
        return self.sets * 60 / self.service_mean_minutes

    def walk_in_rate(self, hour: int) -> float:
        if hour in self.walk_in_per_hour:
            return self.walk_in_per_hour[hour]
        return DEFAULT_WALK_IN_PROFILE.get(hour, 0.0) * self.walk_in_share * self.capacity_per_hour()


@dataclass(frozen=True)
class ScenarioResult:
    evening: bool
    days: int
    arrived: float  # residents per day who came
    served: float  # per day
    sent_home: float  # per day: still waiting at closing
    no_shows: float  # bookings per day that did not come
    p50_wait_minutes: float | None
    p90_wait_minutes: float | None
    mean_wait_minutes: float | None
    utilisation: float  # share of set time spent recording


@dataclass(frozen=True)
class Comparison:
    inputs: SimulationInputs
    without_evening: ScenarioResult
    with_evening: ScenarioResult


def simulate(inputs: SimulationInputs, *, evening: bool, days: int = 40, seed: int = 2026) -> ScenarioResult:
    if inputs.sets < 1:
        raise ValueError("the office has no recording set in service")
    waits: list[float] = []
    arrived = served = sent_home = no_shows = 0
    busy = 0.0
    closes = inputs.evening_closes if evening else inputs.day_closes
    for day in range(days):
        rng = random.Random(seed * 1000 + day)
        outcome = _one_day(inputs, evening, closes, rng)
        waits += outcome["waits"]
        arrived += outcome["arrived"]
        served += outcome["served"]
        sent_home += outcome["sent_home"]
        no_shows += outcome["no_shows"]
        busy += outcome["busy"]
    open_minutes = (closes - inputs.day_opens) * 60 * inputs.sets * days

    return ScenarioResult(
        evening=evening,
        days=days,
        arrived=arrived / days,
        served=served / days,
        sent_home=sent_home / days,
        no_shows=no_shows / days,
        p50_wait_minutes=percentile(waits, 0.5),
        p90_wait_minutes=percentile(waits, 0.9),
        mean_wait_minutes=(sum(waits) / len(waits)) if waits else None,
        utilisation=min(1.0, busy / open_minutes) if open_minutes else 0.0,
    )


def compare(inputs: SimulationInputs, *, days: int = 40, seed: int = 2026) -> Comparison:
    return Comparison(
        inputs=inputs,
        without_evening=simulate(inputs, evening=False, days=days, seed=seed),
        with_evening=simulate(inputs, evening=True, days=days, seed=seed),
    )


def _arrivals(inputs: SimulationInputs, evening: bool, rng: random.Random) -> list[tuple[float, int]]:
    """(minute of the day, priority) of each resident who comes: 0 booked, 1 walk-in."""
    opens, day_closes = inputs.day_opens * 60, inputs.day_closes * 60
    closes = (inputs.evening_closes if evening else inputs.day_closes) * 60
    found = []
    # Walk-ins: a Poisson process hour by hour (thinning-free: piecewise constant rate).
    for hour in range(int(opens // 60) - 1, int(math.ceil(inputs.evening_closes))):
        rate = inputs.walk_in_rate(hour)
        if rate <= 0:
            continue
        start, end = hour * 60.0, hour * 60.0 + 60
        t = start + rng.expovariate(rate / 60)
        while t < end:
            in_evening = t >= day_closes
            if not in_evening or evening:
                if t < closes:
                    found.append((max(t, opens - 30), 1))  # early birds wait at the door
            elif rng.random() < inputs.evening_shift_to_afternoon:
                # Cannot come in the evening: some come in the last two hours of the day instead.
                found.append((rng.uniform(max(opens, day_closes - 120), day_closes), 1))
            t += rng.expovariate(rate / 60)
    # Bookings: each service hour's booked places, arriving around their slot's start.
    per_hour = inputs.booked_share * inputs.capacity_per_hour()
    hour = opens
    while hour < closes:
        places = int(per_hour) + (1 if rng.random() < per_hour - int(per_hour) else 0)
        for _ in range(places):
            found.append((min(closes - 1, max(opens - 15, hour + rng.uniform(-10, 20))), -1 if rng.random() < inputs.no_show_rate else 0))
        hour += 60
    return sorted(found)


def _one_day(inputs: SimulationInputs, evening: bool, closes_hour: float, rng: random.Random) -> dict:
    env = simpy.Environment()
    sets = simpy.PriorityResource(env, capacity=inputs.sets)
    opens, closes = inputs.day_opens * 60, closes_hour * 60
    closing = env.timeout(closes - 0.0) if closes > 0 else env.event()
    tally = {"waits": [], "arrived": 0, "served": 0, "sent_home": 0, "no_shows": 0, "busy": 0.0}
    mu, sigma = _lognormal(inputs.service_mean_minutes, inputs.service_sd_minutes)

    def resident(at: float, priority: int):
        yield env.timeout(at - env.now)
        tally["arrived"] += 1
        ready = max(at, opens)
        with sets.request(priority=priority) as turn:
            if env.now < opens:
                yield env.timeout(opens - env.now)
            outcome = yield turn | closing
            if turn not in outcome:
                tally["sent_home"] += 1
                return
            tally["waits"].append(env.now - ready)
            duration = rng.lognormvariate(mu, sigma)
            tally["busy"] += min(duration, max(0.0, closes - env.now))
            yield env.timeout(duration)
            tally["served"] += 1

    for at, priority in _arrivals(inputs, evening, rng):
        if priority < 0:
            tally["no_shows"] += 1
            continue
        env.process(resident(at, priority))
    env.run()
    return tally


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank, as queueing.stats.percentile counts the office's real waits (that module
    needs Django's models; this one runs without Django)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _lognormal(mean: float, sd: float) -> tuple[float, float]:
    """mu and sigma of the lognormal with this mean and standard deviation."""
    mean = max(mean, 0.1)
    sigma2 = math.log(1 + (max(sd, 0.01) / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
