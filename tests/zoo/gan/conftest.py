"""Fixtures of the zoo.gan tests."""

import pytest

from tests.zoo.gan._helpers import digits16_images


@pytest.fixture(scope="module")
def digits16():
    return digits16_images()
