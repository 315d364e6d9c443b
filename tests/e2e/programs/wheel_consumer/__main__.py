"""One group of each kind beside a resource that has nothing to do with them."""

import json
from pathlib import Path

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

import providers
from providers import SwoUserGroup, SwoUserGroupArgs, SymphonyUserGroup, SymphonyUserGroupArgs


class NoteProvider(ResourceProvider):
    """Writes a small file: an unrelated resource in the same program."""

    def create(self, props):
        path = Path(props["path"])
        path.write_text(props["text"])
        return CreateResult(str(path), props)

    def delete(self, id_, props):
        Path(id_).unlink(missing_ok=True)


class Note(Resource):
    def __init__(self, name, path, text):
        super().__init__(NoteProvider(), name, {"path": path, "text": text})


config = pulumi.Config()
scope = SymphonyUserGroup("scope", SymphonyUserGroupArgs(name="Wheel Scope", area="EMEA"))
ops = SwoUserGroup("ops", SwoUserGroupArgs(account_id="ACC-1234-5678", name="Wheel Ops", modules=["MOD-1756"]))
note = Note("note", config.require("notePath"), "groups managed from an installed wheel")
pulumi.export("scopeId", scope.id)
pulumi.export("opsId", ops.id)
pulumi.export("providersFile", providers.__file__)
pulumi.export("providersVersion", providers.__version__)
