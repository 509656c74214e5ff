"""Containers from docker-compose files and Kubernetes manifests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.model.values import Setting
from cfglint.span import Span


class Container(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    source: Literal["compose", "k8s"]
    name: str  # compose service name or "Deployment/web: container app"
    anchor: Span  # the service key or the container's name value
    key: str
    memory_limit: Setting | None = None  # as written: "512m", "1Gi", 536870912
    memory_request: Setting | None = None
    jvm_options: tuple[Setting, ...] = ()  # JAVA_OPTS / JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS / command / args
    runs_jvm: bool = False  # a Java image, JVM options, or a java command
    built_here: bool = False  # compose `build:`: the repository's own service
