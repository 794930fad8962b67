"""Where rooms live: in this process (the default) or in Redis (``DESCENSO_REDIS_URL``), behind
one :class:`~app.rooms.store.RoomStore` interface."""

from app.rooms.store import Channel, RoomStore, Subscription, open_store

__all__ = ["Channel", "RoomStore", "Subscription", "open_store"]
