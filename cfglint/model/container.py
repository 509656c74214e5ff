"""Containers from docker-compose files and Kubernetes manifests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.model.values import Setting
from cfglint.span import Span

# What runs in the container, as far as the file tells (CT001's policy, rules/CT001.toml):
#   own        the repository's own service (compose build:, an image under a ${REGISTRY} variable, org/org-name)
#   jvm        a Java base image, JVM options or a java command
#   middleware a JVM product (Elasticsearch, Kafka, ZooKeeper, RocketMQ, Nacos, Seata, Sentinel, ...)
#   other      a known non-JVM product (MySQL, Redis, RabbitMQ, nginx, a Node/Vue front end, ...)
#   unknown    an image the file says nothing more about
Runs = Literal["own", "jvm", "middleware", "other", "unknown"]


class Container(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    source: Literal["compose", "k8s"]
    name: str  # compose service name or "Deployment/web: container app"
    anchor: Span  # the service key or the container's name value
    key: str
    memory_limit: Setting | None = None  # as written: "512m", "1Gi", 536870912
    memory_request: Setting | None = None
    jvm_options: tuple[Setting, ...] = ()  # JAVA_OPTS / JAVA_TOOL_OPTIONS / ... / command / args, in the order the
    # JVM applies them (the last -Xmx wins; _JAVA_OPTIONS comes after the command line)
    runs_jvm: bool = False  # a Java image, JVM options, a java command, a JVM product or the repository's own service
    built_here: bool = False  # compose `build:`: the repository's own service
    runs: Runs = "unknown"
    image: str = ""
    dropped_limit: Setting | None = None  # a memory limit in a `resources:` block that a later duplicate key replaces
    duplicate: Span | None = None  # the duplicate `resources:` key that replaces it
