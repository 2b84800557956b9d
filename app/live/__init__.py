"""A live class: a teacher's page drives every student's page over WebSockets.

codes (join codes, teacher secrets) -> messages (the JSON protocol, validated) ->
broker (where a class lives: this process, or Redis for several) -> hub (this process's
sockets and their send queues) -> classes (what each command does) -> session (one socket).
The protocol is documented in docs/api.md ("Live class")."""


def make_live(settings):
    """The app's LiveClasses for `settings` (an app.settings.Settings): Redis with a Redis
    URL, else this process's memory."""
    from .classes import LiveClasses

    if settings.redis_url:
        from .redis_broker import RedisBroker

        broker = RedisBroker(settings.redis_url, settings.class_ttl, settings.live_heartbeat)
    else:
        from .memory import MemoryBroker

        broker = MemoryBroker(settings.class_ttl)
    return LiveClasses(broker, settings.class_max_students, settings.max_classes, settings.live_heartbeat)
