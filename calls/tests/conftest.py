from datetime import timedelta
from decimal import Decimal

import pytest

from .factories import T0, make_call


@pytest.fixture
def calls(agent, other_agent, exophone, flow):
    return {
        "done": make_call(
            sid="done",
            agent=agent,
            status="completed",
            duration=30,
            price=Decimal("0.50"),
            date_created=T0,
            recording_url="https://recordings.exotel.com/a.mp3",
            exophone=exophone,
        ),
        "busy": make_call(
            sid="busy",
            agent=agent,
            status="busy",
            duration=0,
            price=Decimal("0"),
            date_created=T0 + timedelta(hours=1),
            to_number="+919876512345",
        ),
        "long": make_call(
            sid="long",
            agent=other_agent,
            status="completed",
            duration=300,
            price=Decimal("3.00"),
            date_created=T0 - timedelta(days=1),
            direction="inbound",
            flow=flow,
            from_number="+919811122233",
            to_number="+918030752400",
        ),
    }
