"""The hub finds the streams a batch may concern by the places' codes (village, kecamatan, regency), never by
asking every stream: a stream hears of its own places only, the others merely move on past the batch."""

import asyncio

from smartkampung.accounts.selectors import Scope
from smartkampung.notifications.live import Hub, Message
from smartkampung.notifications.selectors import Viewer

VILLAGE = "3510112006"
NEIGHBOUR = "3510112007"  # the same kecamatan
ELSEWHERE = "3510172001"  # another kecamatan of the regency
FAR = "3509012002"  # another regency


NOTHING = Scope()


def viewer(*, read=NOTHING, wide=NOTHING) -> Viewer:
    return Viewer(read=read, write=NOTHING, wide=wide)


def subscribed(hub: Hub, viewers: dict[str, Viewer]) -> dict:
    """Subscribe each viewer without starting the hub's tasks and threads (only its index is under test)."""
    hub.loop = asyncio.get_running_loop()
    hub.inbox = asyncio.Queue()
    return {name: hub.subscribe(v) for name, v in viewers.items()}


def test_a_batch_reaches_the_streams_of_its_village_its_kecamatan_its_regency_and_the_whole_deployment():
    async def scenario():
        hub = Hub()
        streams = subscribed(
            hub,
            {
                "operator": viewer(read=Scope(villages=frozenset({VILLAGE}))),
                "neighbour": viewer(read=Scope(villages=frozenset({NEIGHBOUR}))),
                "camat": viewer(read=Scope(districts=frozenset({VILLAGE[:6]}))),
                "agency": viewer(wide=Scope(regencies=frozenset({"3510"}))),
                "far_agency": viewer(wide=Scope(regencies=frozenset({"3509"}))),
                "administrator": viewer(read=Scope(everything=True)),
                "nobody": viewer(),
            },
        )
        named = {id(s): name for name, s in streams.items()}
        return (
            {named[id(s)] for s in hub.audience((VILLAGE,))},
            {named[id(s)] for s in hub.audience((ELSEWHERE, FAR))},
            {named[id(s)] for s in hub.audience(None)},
        )

    village, elsewhere_and_far, unknown = asyncio.run(scenario())
    assert village == {"operator", "camat", "agency", "administrator"}
    assert elsewhere_and_far == {"agency", "far_agency", "administrator"}
    # Villages unknown (a missed announcement): every stream that sees anything looks.
    assert unknown == {"operator", "neighbour", "camat", "agency", "far_agency", "administrator"}


def test_a_stream_outside_the_batch_moves_on_without_a_gap_and_a_closed_stream_leaves_the_index():
    async def scenario():
        hub = Hub()
        streams = subscribed(hub, {"neighbour": viewer(read=Scope(villages=frozenset({NEIGHBOUR})))})
        neighbour = streams["neighbour"]
        neighbour.caught_up(10)
        # Not in the audience: offered the batch without its rows, as the hub does.
        neighbour.offer(Message(11, 12, (VILLAGE,)), [])
        moved_on = (neighbour.position, neighbour.gap, neighbour.pending)
        hub.unsubscribe(neighbour)
        return moved_on, hub.audience((NEIGHBOUR,)), hub.routes

    (position, gap, pending), audience, routes = asyncio.run(scenario())
    assert (position, gap, pending) == (12, False, [])
    assert audience == set() and routes == {}
