"""Record ids: UUIDv7, strictly increasing within a process, random in their low bits."""

from __future__ import annotations

import threading
import time

from saas.ids import new_id, parse_id


def test_ids_are_version_7_and_carry_the_clock():
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    assert value.version == 7 and value.variant == "specified in RFC 4122"
    assert before <= value.int >> 80 <= after


def test_ids_strictly_increase_even_within_one_millisecond_and_across_threads():
    ids: list = []

    def make():
        ids.extend(new_id() for _ in range(2000))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 8000
    single = [new_id() for _ in range(5000)]
    assert single == sorted(single)
    assert len({value.int & ((1 << 62) - 1) for value in single}) == 5000  # random tails


def test_parse_id_refuses_what_is_not_a_uuid():
    value = new_id()
    assert parse_id(str(value)) == value and parse_id(value) is value
    assert parse_id("nope") is None and parse_id(None) is None
