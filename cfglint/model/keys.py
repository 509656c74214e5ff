"""Configuration keys as written, for CF004 (keys that bind to nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from cfglint.span import Span

KeyKind = Literal[
    "prop",  # a Spring/Dubbo property key in .properties or YAML (full key as written)
    "xml-attr",  # an attribute of a Dubbo namespace element
    "bean-prop",  # <property name="..."> or p:name on a bean of a known class
    "conn-prop",  # one k=v entry of a Druid connectionProperties / connectProperties
    "factory",  # a key of a DruidDataSourceFactory-style druid.properties file
]


class Located(Protocol):
    """Something written in a file that can say where its name is (an XML attribute)."""

    @property
    def name_span(self) -> Span: ...

    @property
    def path(self) -> str: ...


@dataclass(slots=True)
class KeyUse:
    kind: KeyKind
    key: str  # as written: the full property key, the attribute or property name, the entry key
    canon: str  # relaxed canonical form (props), else the key itself
    value: str | None
    where: Span | Located  # the key as written: its span, or the XML attribute whose name it is, located only
    # when a finding needs it (a Spring file has thousands of Dubbo attributes; CF004 reports a few)
    file_kind: str  # "properties" | "yaml" | "xml"
    element: str = ""  # xml-attr: Dubbo element local name; bean-prop: bean class; conn-prop: owner
    ns: str = ""  # xml-attr: namespace URI
    owner: str = ""  # human label of where it is written: '<dubbo:protocol name="dubbo">', '<bean id="ds">'
    escaped: bool = False  # conn-prop: the entry was written with a .properties escape in a non-.properties file
    parse: str = ""  # conn-prop: "properties" when the string is bound to java.util.Properties (parsed as one
    # .properties line, not split on ';'); value is then the rest of that line

    @property
    def span(self) -> Span:
        w = self.where
        return w if isinstance(w, Span) else w.name_span

    @property
    def path(self) -> str:
        return self.where.path


class Attribute(Located, Protocol):
    name: str
    value: str


@dataclass(slots=True)
class XmlAttrs:
    """The attributes of one Dubbo XML element as written. CF004 makes a KeyUse ("xml-attr") only of an
    attribute it has not already judged to bind: a Spring file has thousands, nearly all of them fine."""

    element: str  # Dubbo element local name
    ns: str  # namespace URI
    owner: str  # '<dubbo:service interface="...">'
    path: str  # the file
    attrs: list[Attribute]


@dataclass
class KeyUses:
    uses: list[KeyUse] = field(default_factory=list)
    xml_attrs: list[XmlAttrs] = field(default_factory=list)  # in document order, beside ``uses``
    prop_canons: set[str] = field(default_factory=set)  # every judged property key in effect under the profile
    referenced: set[str] = field(default_factory=set)  # canonical names used in ${...} placeholders in the module
    xml_dubbo: set[str] = field(default_factory=set)  # Dubbo elements declared in the module's XML (protocol, ...)
    foreign: set[str] = field(default_factory=set)  # files configuring another product (a Nacos server's own
    # application.properties): the module's build-file versions do not describe the process that reads them
