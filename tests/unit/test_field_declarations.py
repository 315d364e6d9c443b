"""Every place a field appears agrees with its one declaration, the resource's input model.

The lifecycle's field lists are derived from the model's metadata; the typed ``Args``
dataclasses, the ``Output`` annotations, the API bodies, ``outputs()`` and the stack-config
entries are written for people's editors and the APIs, and this test fails when they drift.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from program.stack_config import SwoGroupEntry, SymphonyGroupEntry
from providers import fields
from providers.swo import members
from providers.swo import inputs as swo_inputs
from providers.swo import models as swo_models
from providers.swo import resource as swo_resource
from providers.swo.provider import SwoUserGroupProvider
from providers.symphony import members as sym_members
from providers.symphony import inputs as sym_inputs
from providers.symphony import models as sym_models
from providers.symphony import resource as sym_resource
from providers.symphony.provider import SymphonyUserGroupProvider

ROOT = Path(__file__).resolve().parents[2]
SWO_SAMPLE = {"account_id": "ACC-1234-5678", "name": "N", "modules": ["MOD-1756"], "description": "d", "logo": "l",
              "buyers": ["BUY-1234-5678"], "extensions": ["EXT-1"]}
SYM_SAMPLE = {"name": "N", "type": "ROLE_SCOPE", "area": "a", "description": "d", "active": False}

CASES = [
    pytest.param(SwoUserGroupProvider, swo_resource.SwoUserGroupArgs, swo_resource.SwoUserGroup,
                 swo_inputs.SwoUserGroupAttributes, SwoGroupEntry, id="swo"),
    pytest.param(SymphonyUserGroupProvider, sym_resource.SymphonyUserGroupArgs, sym_resource.SymphonyUserGroup,
                 sym_inputs.SymphonyUserGroupAttributes, SymphonyGroupEntry, id="symphony"),
]


@pytest.mark.parametrize("provider,args,resource,attributes,entry", CASES)
def test_args_outputs_and_entries_match_the_model(provider, args, resource, attributes, entry):
    model = provider.inputs_model
    inputs = set(model.model_fields)
    assert {f.name for f in dataclasses.fields(args)} == inputs
    annotated = {n for n, t in vars(resource).get("__annotations__", {}).items() if "Output" in str(t)}
    assert annotated == inputs | set(attributes.model_fields)
    assert set(entry.model_fields) == inputs | entry.entry_only
    for name in inputs:  # the stack-config spelling is the one the model declares
        alias = entry.model_fields[name].alias
        assert (alias or name) == fields.config_name(model, name), name


@pytest.mark.parametrize("provider,args,resource,attributes,entry", CASES)
def test_derived_lists_come_from_the_metadata(provider, args, resource, attributes, entry):
    model = provider.inputs_model
    assert provider.domain_fields == tuple(n for n in model.model_fields if n not in ("adopt", "connection"))
    assert set(provider.list_fields) <= set(provider.domain_fields)
    assert "connection" in provider.replace_fields and "connection" in provider.natural_key_fields
    assert "name" in provider.natural_key_fields
    for name in model.model_fields:
        assert model.model_fields[name].description, f"{name} has no description (the docs table reads it)"


def test_swo_bodies_and_outputs_cover_the_domain_fields():
    inputs = SwoUserGroupProvider.inputs_model.model_validate(SWO_SAMPLE)
    create = inputs.create_body().body()
    api = {"account_id": "account"}
    assert {api.get(f, f) for f in SwoUserGroupProvider.domain_fields} == set(create)
    update = inputs.update_body().body()
    # What PUT cannot carry is exactly what forces a replace.
    assert set(SwoUserGroupProvider.domain_fields) - set(update) == set(SwoUserGroupProvider.replace_fields) - {"connection"}
    group = swo_models.UserGroup.model_validate({"id": "UGR-1", "name": "N", "account": {"id": "ACC-1234-5678"}})
    assert set(group.outputs()) == set(SwoUserGroupProvider.domain_fields) | set(swo_inputs.SwoUserGroupAttributes.model_fields)


def test_symphony_bodies_and_outputs_cover_the_domain_fields():
    inputs = SymphonyUserGroupProvider.inputs_model.model_validate(SYM_SAMPLE)
    create = inputs.create_body().model_dump()
    # The create body has no `active`: a group declared inactive is deactivated right after its create.
    assert set(SymphonyUserGroupProvider.domain_fields) - set(create) == {"active"}
    update = inputs.update_body().model_dump()
    assert set(SymphonyUserGroupProvider.domain_fields) - set(update) == set(SymphonyUserGroupProvider.replace_fields) - {"connection"}
    group = sym_models.UserGroupResponse.model_validate({"id": "g", "name": "N", "type": "ROLE_SCOPE"})
    assert set(group.outputs()) == set(SymphonyUserGroupProvider.domain_fields) | set(
        sym_inputs.SymphonyUserGroupAttributes.model_fields)


def test_a_field_forgotten_in_the_metadata_would_still_be_compared():
    # The failure the single declaration prevents: a new model field is a domain field by default.
    from pydantic import Field

    class Extended(swo_inputs.SwoUserGroupInputs):
        colour: str = Field("red", description="a new field")

    assert "colour" in fields.domain_fields(Extended)


@pytest.mark.parametrize("provider,args,resource,attributes", [
    pytest.param(members.SwoUserGroupMembersProvider, swo_resource.SwoUserGroupMembersArgs,
                 swo_resource.SwoUserGroupMembers, swo_inputs.SwoUserGroupMembersAttributes, id="swo-members"),
    pytest.param(members.SwoUserGroupMemberProvider, swo_resource.SwoUserGroupMemberArgs,
                 swo_resource.SwoUserGroupMember, swo_inputs.SwoUserGroupMemberAttributes, id="swo-member"),
    pytest.param(sym_members.SymphonyUserGroupMembersProvider, sym_resource.SymphonyUserGroupMembersArgs,
                 sym_resource.SymphonyUserGroupMembers, sym_inputs.SymphonyUserGroupMembersAttributes,
                 id="symphony-members"),
    pytest.param(sym_members.SymphonyUserGroupAssigneesProvider, sym_resource.SymphonyUserGroupAssigneesArgs,
                 sym_resource.SymphonyUserGroupAssignees, sym_inputs.SymphonyUserGroupMembersAttributes,
                 id="symphony-assignees"),
    pytest.param(sym_members.SymphonyUserGroupMemberProvider, sym_resource.SymphonyUserGroupMemberArgs,
                 sym_resource.SymphonyUserGroupMember, sym_inputs.SymphonyUserLinkAttributes, id="symphony-member"),
    pytest.param(sym_members.SymphonyUserGroupAssignmentProvider, sym_resource.SymphonyUserGroupAssignmentArgs,
                 sym_resource.SymphonyUserGroupAssignment, sym_inputs.SymphonyUserLinkAttributes,
                 id="symphony-assignment"),
])
def test_membership_args_and_outputs_match_the_model(provider, args, resource, attributes):
    inputs = set(provider.inputs_model.model_fields)
    assert {f.name for f in dataclasses.fields(args)} == inputs
    annotated = {n for klass in resource.__mro__ for n, t in vars(klass).get("__annotations__", {}).items()
                 if "Output" in str(t)}
    assert annotated == inputs | set(attributes.model_fields)
    assert set(provider.natural_key_fields) >= {"group_id", "connection"}
    assert not provider.lookup  # membership writes are upserts: nothing to look up first


ALL_ARGS = [(SwoUserGroupProvider, swo_resource.SwoUserGroupArgs),
            (SymphonyUserGroupProvider, sym_resource.SymphonyUserGroupArgs),
            (members.SwoUserGroupMembersProvider, swo_resource.SwoUserGroupMembersArgs),
            (members.SwoUserGroupMemberProvider, swo_resource.SwoUserGroupMemberArgs),
            (sym_members.SymphonyUserGroupMembersProvider, sym_resource.SymphonyUserGroupMembersArgs),
            (sym_members.SymphonyUserGroupMemberProvider, sym_resource.SymphonyUserGroupMemberArgs),
            (sym_members.SymphonyUserGroupAssignmentProvider, sym_resource.SymphonyUserGroupAssignmentArgs)]


def said_to_replace(doc: str) -> tuple[set[str] | None, set[str]]:
    """What an ``Args`` docstring says forces a replacement (``None``: "every change") and what updates in place."""
    text = " ".join(doc.split())
    if "Every change is a replacement" in text:
        return None, set()
    sentence = re.search(r"([^.]*?)(?:force a replace\w*|is a replacement)([^.]*)", text)
    assert sentence, f"the docstring does not say what forces a replacement: {text!r}"
    in_place = re.search(r";\s*(.*?)updates? in place", sentence.group(2))
    return (set(re.findall(r"``(\w+)``", sentence.group(1))),
            set(re.findall(r"``(\w+)``", in_place.group(1))) if in_place else set())


@pytest.mark.parametrize("provider,args", ALL_ARGS, ids=lambda v: getattr(v, "__name__", ""))
def test_args_docstrings_name_exactly_the_fields_that_force_a_replacement(provider, args):
    replaced, in_place = said_to_replace(args.__doc__ or "")
    model = provider.inputs_model
    if replaced is None:
        assert set(provider.replace_fields) == set(model.model_fields) - set(fields.fields_where(model, "lifecycle",
                                                                                                 True)) | {"connection"}
    else:
        assert replaced == set(provider.replace_fields)
    assert not in_place & set(provider.replace_fields) and in_place <= set(model.model_fields)


def test_pulumi_yaml_describes_every_stack_config_field():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    for list_name, entry in (("usergroups:symphonyGroups", SymphonyGroupEntry), ("usergroups:swoGroups", SwoGroupEntry)):
        description = project["config"][list_name]["description"]
        words = set(re.findall(r"[A-Za-z]+", description))
        names = {f.alias or n for n, f in entry.model_fields.items()}
        assert names <= words, f"{list_name}: Pulumi.yaml does not describe {sorted(names - words)}"
