import pytest

from adminduk.biometrics.gallery import reset_matcher

from .helpers import make_station


@pytest.fixture(autouse=True)
def fresh_matcher(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def stations(make_office):
    """A recording station at Mantikulore and one at Palu Barat."""
    return make_station(make_office("72.71.08")), make_station(make_office("72.71.02"))
