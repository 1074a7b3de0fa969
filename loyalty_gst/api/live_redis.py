"""Live streams shared through Redis pub/sub (`serve --redis URL` or $LOYALTY_GST_REDIS):
a batch of events published in one pipelined round-trip; one subscription per process
while a stream is open here. The channel is `lgst_live:<database>`, so one Redis serves
several loyalty databases (staging beside production) without their events meeting.
With Redis configured the database carries no NOTIFY traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from loyalty_gst.api.live import Relay

CHANNEL = "lgst_live"


class RedisBroadcaster(Relay):
    def __init__(self, url: str, database: str) -> None:
        import redis

        super().__init__()
        self._url = url
        self.channel = f"{CHANNEL}:{database}"
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def send(self, payloads: list[str]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for p in payloads:
            pipe.publish(self.channel, p)
        pipe.execute()

    def listen(self, open_: Callable[[], bool]) -> Iterator[str]:
        import redis

        conn = redis.Redis.from_url(self._url, socket_connect_timeout=5)
        sub = conn.pubsub(ignore_subscribe_messages=True)
        try:
            sub.subscribe(self.channel)
            while open_():
                msg = sub.get_message(timeout=1.0)
                if msg is not None and msg.get("type") == "message":
                    data = msg["data"]
                    yield data.decode() if isinstance(data, bytes) else str(data)
        finally:
            sub.close()
            conn.close()

    def close(self) -> None:
        super().close()
        self._redis.close()
