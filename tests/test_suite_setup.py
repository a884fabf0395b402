"""The test suite's own set-up: what keeps it quick must hold, or the suite silently repeats work.

Tests that share costly work (the shared corpus's findings, one Dask cluster) are marked ``xdist_group``
so that pytest-xdist's ``--dist loadgroup`` (the default here) sends them to one worker.  The scheduler
reads the group from a suffix of the test's node id; pytest 9.2 ignores the suffix pytest-xdist 3.8 sets,
and every group then splits over the workers (hence the pin below 9.2 in the ``test`` extra).
"""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("suite-setup")
def test_a_grouped_test_carries_its_group_to_the_scheduler(request: pytest.FixtureRequest) -> None:
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("runs under pytest-xdist with --dist loadgroup (the README's test command)")
    assert request.node.nodeid.endswith("@suite-setup"), (
        f"{request.node.nodeid}: pytest-xdist's group is lost, so grouped tests split over the workers")
