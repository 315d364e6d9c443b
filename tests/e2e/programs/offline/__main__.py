"""One dynamic resource that needs no network, exporting a value."""

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class EchoProvider(ResourceProvider):
    """Echoes its input as an output."""

    def create(self, props):
        return CreateResult("echo-1", {"value": props["value"]})


class Echo(Resource):
    """A resource whose output is its input."""

    value: pulumi.Output[str]

    def __init__(self, name, value):
        super().__init__(EchoProvider(), name, {"value": value})


pulumi.export("value", Echo("echo", "offline-ok").value)
