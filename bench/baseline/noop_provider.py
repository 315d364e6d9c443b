"""A dynamic provider that does no I/O: what the engine and the dynamic-provider server cost alone."""

import itertools

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

_ids = itertools.count()


class NoopProvider(ResourceProvider):
    """Same calls as a user-group provider (check, diff, create, read, update, delete), no network."""

    def diff(self, _id, olds, news):
        return DiffResult(changes=olds.get("name") != news.get("name"))

    def create(self, props):
        return CreateResult(f"noop-{next(_ids)}", dict(props))

    def read(self, id_, props):
        return ReadResult(id_, dict(props))

    def update(self, _id, _olds, news):
        return UpdateResult(dict(news))

    def delete(self, _id, _props):
        pass


class Noop(Resource, module="bench", name="Noop"):
    """A resource with a name, like a user group."""

    name: pulumi.Output[str]

    def __init__(self, resource_name, name, fat=False, opts=None):
        props = {"name": name}
        if fat:  # the inputs and outputs a SwoUserGroup keeps in state, with values of the same size
            props.update({"account_id": "ACC-1234-5678", "account_name": "Account ACC-1234-5678",
                          "description": None, "logo": None, "modules": ["MOD-1756"], "buyers": None,
                          "extensions": None, "revision": 1, "is_default": False, "user_ids": [],
                          "created_at": "2026-11-23T19:05:10.636Z", "updated_at": "2026-11-23T19:05:10.636Z",
                          "adopt": False, "connection": "swo"})
        super().__init__(NoopProvider(), resource_name, props, opts)
