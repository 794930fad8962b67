"""The app's room store (in the process, or Redis when ``DESCENSO_REDIS_URL`` is set), made on
first use and kept on ``app.state``; closed when the app stops."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI
from starlette.requests import HTTPConnection

from app.rooms import RoomStore, open_store
from app.routes.deps import SettingsDep


def app_room_store(app: FastAPI, redis_url: str | None) -> RoomStore:
    store: RoomStore | None = getattr(app.state, "room_store", None)
    if store is None:
        store = app.state.room_store = open_store(redis_url)
    return store


def room_store(connection: HTTPConnection, settings: SettingsDep) -> RoomStore:
    """The store of the app serving this request or socket."""
    return app_room_store(connection.app, settings.redis_url)


async def close_room_store(app: FastAPI) -> None:
    store: RoomStore | None = getattr(app.state, "room_store", None)
    if store is not None:
        app.state.room_store = None
        await store.close()


RoomStoreDep = Annotated[RoomStore, Depends(room_store)]
