# Shared pytest fixtures: an engine and store per test, WAT helpers, and where the repository's
# C headers live (for the header check).
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE_DIR = os.environ.get("WASMLIFT_INCLUDE") or os.path.normpath(os.path.join(HERE, "..", "..", "include"))

import wasmlift  # noqa: E402


@pytest.fixture(scope="session")
def engine():
    return wasmlift.Engine()


@pytest.fixture
def store(engine):
    return wasmlift.Store(engine)


def pytest_report_header(config):
    return f"wasmlift package: {os.path.dirname(wasmlift.__file__)}; library: {wasmlift.LIBRARY_PATH}"
