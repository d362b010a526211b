"""The synthesized templates of a cloud assembly, and CloudFormation's intrinsic functions resolved locally.

Every `Ref` and `Fn::GetAtt` resolves to the name the local stack gave that resource (`Resolver.bind`); a
reference to a resource the local stack did not make is an error naming it, never a silent placeholder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Unresolvable(ValueError):
    """A template refers to something the local stack has no value for."""


@dataclass(frozen=True)
class Resource:
    stack: str
    logical_id: str
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class Stack:
    name: str
    region: str
    template: dict[str, Any]


class Templates:
    """Every stack template of a cloud assembly folder (its manifest.json says which files and regions)."""

    def __init__(self, folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        self.folder = folder
        self.stacks: dict[str, Stack] = {}
        for name, artifact in manifest["artifacts"].items():
            if artifact["type"] == "aws:cloudformation:stack":
                template = json.loads((folder / artifact["properties"]["templateFile"]).read_text())
                region = artifact["environment"].rsplit("/", 1)[1]
                self.stacks[name] = Stack(name, region, template)

    def resources(self, resource_type: str) -> list[Resource]:
        return [
            Resource(stack.name, logical_id, resource_type, resource.get("Properties", {}))
            for stack in self.stacks.values()
            for logical_id, resource in stack.template.get("Resources", {}).items()
            if resource["Type"] == resource_type
        ]

    def one(self, resource_type: str) -> Resource:
        found = self.resources(resource_type)
        if len(found) != 1:
            raise Unresolvable(f"the templates hold {len(found)} {resource_type} resources; the local stack needs one")
        return found[0]

    def resource(self, stack: str, logical_id: str) -> Resource:
        raw = self.stacks[stack].template["Resources"].get(logical_id)
        if raw is None:
            raise Unresolvable(f"{stack} has no resource {logical_id}")
        return Resource(stack, logical_id, raw["Type"], raw.get("Properties", {}))

    def export(self, name: str) -> tuple[str, Any]:
        """(stack, value expression) of the output exported under `name`."""
        for stack in self.stacks.values():
            for output in stack.template.get("Outputs", {}).values():
                if (output.get("Export") or {}).get("Name") == name:
                    return stack.name, output["Value"]
        raise Unresolvable(f"no stack exports {name!r}")


@dataclass
class Resolver:
    """Evaluates intrinsic functions with the local names bound to each resource."""

    templates: Templates
    account_id: str
    _refs: dict[tuple[str, str], str] = field(default_factory=dict)
    _attributes: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def bind(self, resource: Resource, ref: str, **attributes: str) -> None:
        self._refs[(resource.stack, resource.logical_id)] = ref
        for name, value in attributes.items():
            self._attributes[(resource.stack, resource.logical_id, name)] = value

    def region(self, stack: str) -> str:
        return self.templates.stacks[stack].region

    def resolve(self, value: Any, stack: str) -> Any:
        if isinstance(value, list):
            return [self.resolve(item, stack) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                return self._function(key, argument, stack)
        return {key: self.resolve(item, stack) for key, item in value.items()}

    def _function(self, key: str, argument: Any, stack: str) -> Any:
        if key == "Ref":
            return self._ref(argument, stack)
        if key == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._attribute(stack, logical_id, attribute)
        if key == "Fn::Join":
            separator, parts = argument
            return separator.join(str(part) for part in self.resolve(parts, stack))
        if key == "Fn::Sub":
            return self._sub(argument, stack)
        if key == "Fn::Select":
            index, items = argument
            return self.resolve(items, stack)[int(self.resolve(index, stack))]
        if key == "Fn::Split":
            separator, text = argument
            return str(self.resolve(text, stack)).split(separator)
        if key == "Fn::ImportValue":
            exporter, expression = self.templates.export(self.resolve(argument, stack))
            return self.resolve(expression, exporter)
        raise Unresolvable(f"{key} in {stack} is not evaluated by the local stack")

    def _ref(self, name: str, stack: str) -> str:
        pseudo = {
            "AWS::Region": self.region(stack),
            "AWS::AccountId": self.account_id,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::StackName": stack,
        }
        if name in pseudo:
            return pseudo[name]
        if (stack, name) not in self._refs:
            resource = self.templates.resource(stack, name)
            raise Unresolvable(f"Ref {name} ({resource.type} in {stack}): the local stack made no such resource")
        return self._refs[(stack, name)]

    def _attribute(self, stack: str, logical_id: str, attribute: str) -> str:
        found = self._attributes.get((stack, logical_id, attribute))
        if found is None:
            resource = self.templates.resource(stack, logical_id)
            raise Unresolvable(f"Fn::GetAtt {logical_id}.{attribute} ({resource.type} in {stack}) has no local value")
        return found

    def _sub(self, argument: Any, stack: str) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {name: self.resolve(value, stack) for name, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return self._attribute(stack, logical_id, attribute)
            return self._ref(name, stack)

        return _SUB_VARIABLE.sub(replace, text)
