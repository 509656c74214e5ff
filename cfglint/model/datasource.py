"""Connection pools (Druid, HikariCP, DBCP, c3p0, Tomcat) and the JDBC connections they make."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.model.values import Setting
from cfglint.span import Span

PoolType = Literal["druid", "hikari", "dbcp", "dbcp2", "c3p0", "tomcat", "none"]


class DataSource(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    pool: PoolType
    label: str  # '<bean id="dataSource">', 'spring.datasource.druid'
    anchor: Span
    key: str
    settings: dict[str, Setting]  # canonical (lower-case, no dashes) property name -> Setting
    url: Setting | None = None
    connection_properties: dict[str, Setting] = {}  # driver properties as written (key case kept)
    # The wait for a free connection when unset, where the framework that builds the pool sets its own (the Nacos
    # server's Hikari pool: 3000 ms); None: the pool library's default.
    wait_default_ms: int | None = None
    # Built in code for a URL known only at run time (a report tool's or code generator's connection to a database
    # a user names): such a pool is meant to fail fast on a bad URL rather than retry forever.
    runtime_url: bool = False

    def get(self, name: str) -> Setting | None:
        return self.settings.get(name.lower().replace("-", "").replace("_", ""))


class JdbcConnection(BaseModel):
    """A JDBC URL as written, and the datasource that uses it (if any)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    url: Setting
    datasource: DataSource | None = None
