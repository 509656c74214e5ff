"""Thread pools: Dubbo protocol/provider/consumer pools and Spring executors."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.model.values import Setting
from cfglint.span import Span

PoolKind = Literal["dubbo-protocol", "dubbo-provider", "dubbo-consumer", "spring-executor", "task-executor",
                   "boot-task-execution", "java-executor"]  # java-executor: java.util.concurrent pools built in code


class ThreadPool(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    kind: PoolKind
    label: str  # how a user recognises it: '<dubbo:protocol name="dubbo">', 'dubbo.protocols.tri'
    anchor: Span  # where to point when the decisive value is a default (the element or the key prefix)
    key: str  # fingerprint key path
    settings: dict[str, Setting]  # library keys: threads, threadpool, queues, corethreads, alive, ...
    bean_class: str = ""  # spring-executor: the bean's class (ThreadPoolTaskExecutor, ThreadPoolExecutorFactoryBean)

    def get(self, name: str) -> Setting | None:
        return self.settings.get(name)
