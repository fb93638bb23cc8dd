"""workshop/slots.py: at most REQUEST_SLOTS ordinary requests at once per process; event
streams never wait for a slot."""

from __future__ import annotations

import threading

from workshop import create_app
from workshop.slots import RequestSlots


class Gate:
    """A WSGI app whose requests wait until released, counting how many are inside at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.entered.release()
        self.release.wait(timeout=30)
        with self.lock:
            self.inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(app, path: str, answers: list[str]) -> threading.Thread:
    def run() -> None:
        body = app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda *args: None)
        answers.append(b"".join(body).decode())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_only_as_many_requests_as_slots_run_at_once_and_the_rest_wait_their_turn():
    gate = Gate()
    app = RequestSlots(gate, 2)
    answers: list[str] = []
    threads = [call(app, "/b/ABC234/notes", answers) for _ in range(5)]
    assert gate.entered.acquire(timeout=10) and gate.entered.acquire(timeout=10)
    assert not gate.entered.acquire(timeout=0.3)  # the third waits for a slot
    assert gate.inside == 2
    gate.release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == ["ok"] * 5
    assert gate.most == 2


def test_event_streams_do_not_take_a_slot():
    gate = Gate()
    app = RequestSlots(gate, 1)
    answers: list[str] = []
    threads = [call(app, "/b/ABC234/events", answers) for _ in range(3)]
    threads.append(call(app, "/staff/boards/1/projector/events", answers))
    for _ in range(4):
        assert gate.entered.acquire(timeout=10)  # all four inside together
    threads.append(call(app, "/b/ABC234", answers))  # an ordinary page still has its slot
    assert gate.entered.acquire(timeout=10)
    gate.release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert gate.most == 5


def test_the_app_takes_its_slots_from_the_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    limited = create_app({"TESTING": True, "REQUEST_SLOTS": 3, "SECRET_KEY": "x"})
    assert isinstance(limited.wsgi_app, RequestSlots)
    assert limited.wsgi_app.slots == 3
    unlimited = create_app({"TESTING": True, "REQUEST_SLOTS": 0, "SECRET_KEY": "x"})
    assert not isinstance(unlimited.wsgi_app, RequestSlots)
