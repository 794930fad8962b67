"""``POST /api/rooms`` and ``GET /api/rooms/{code}``."""

from __future__ import annotations

from app.core.rooms import CODE_ALPHABET


def test_create_then_count_students(client):
    answer = client.post("/api/rooms")
    assert answer.status_code == 200
    room = answer.json()
    assert set(room) == {"code", "teacher_token", "join_url"}
    assert len(room["code"]) == 6 and set(room["code"]) <= set(CODE_ALPHABET)
    assert room["join_url"] == "/join/" + room["code"]
    assert room["teacher_token"] not in room["join_url"]
    assert client.get(f"/api/rooms/{room['code']}").json() == {"students": 0}
    with client.websocket_connect(f"/ws/room/{room['code']}?role=student&name=Ana") as ws:
        assert ws.receive_json()["type"] == "hello"
        assert client.get(f"/api/rooms/{room['code'].lower()}").json() == {"students": 1}
    assert client.get(f"/api/rooms/{room['code']}").json() == {"students": 0}


def test_unknown_room_is_404_with_a_code(client):
    for code in ("ZZZZZZ", "nope", "0O1Il0"):
        answer = client.get(f"/api/rooms/{code}")
        assert answer.status_code == 404
        assert answer.json()["code"] == "room.unknown"


def test_rooms_per_server_are_capped(client, monkeypatch):
    client.post("/api/rooms")
    store = client.app.state.room_store
    monkeypatch.setattr(store, "max_rooms", 1)
    answer = client.post("/api/rooms")
    assert answer.status_code == 503
    assert answer.json() == {"code": "room.too_many", "params": {"max": 1},
                             "message": answer.json()["message"]}
    assert "maximum of 1 open rooms" in answer.json()["message"]


def test_the_join_link_has_a_qr_code_and_a_page(client):
    room = client.post("/api/rooms").json()
    qr = client.get("/api/qr", params={"url": room["join_url"]})
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/api/qr", params={"url": "/join/0O1Il0"}).status_code == 422
    page = client.get(room["join_url"] + "?lang=es")
    assert page.status_code == 200 and room["code"] in page.text
    assert "Entrar en una clase" in page.text
    assert room["teacher_token"] not in page.text
    assert client.get("/join?lang=en").status_code == 200
