import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Services word their messages in the active language: these tests read them in English, whatever ran before."""
    with translation.override("en"):
        yield
