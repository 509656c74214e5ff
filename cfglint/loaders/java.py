"""Java sources: the few constructs whose values decide a service's limits (thread pools, connection pools, Dubbo
annotations and config objects), with each argument evaluated as far as the file itself allows.

Parsed with tree-sitter (prebuilt wheels, recovers after syntax errors, ~2,400 files/s); the module imports it
only when a Java file passes the byte prefilter, so a run with no Java never loads it. tree-sitter reports
columns in bytes: every position goes through ``_Pos``, which turns them into 1-based character columns.

The loader evaluates what one file decides (literals, ``Integer.MAX_VALUE``, final fields and locals, simple
arithmetic) and leaves ``@Value("${...}")`` placeholders to the extractor, which resolves them per profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cfglint.loaders import LoadError, decode
from cfglint.span import Span

# Only files naming one of these are parsed (about 1 Java file in 25 in real repositories).
PREFILTER = re.compile(
    rb"ThreadPoolExecutor|ThreadPoolTaskExecutor|Executors\s*\.\s*new|DruidDataSource|HikariDataSource|"
    rb"HikariConfig|BasicDataSource|ComboPooledDataSource|DataSourceBuilder|@DubboService|@DubboReference|"
    rb"dubbo\.config\.annotation|ProtocolConfig|ProviderConfig|ConsumerConfig|@ConfigurationProperties")

INT_CONSTANTS = {
    "Integer.MAX_VALUE": 2_147_483_647, "Long.MAX_VALUE": 9_223_372_036_854_775_807, "Short.MAX_VALUE": 32_767,
    "Integer.MIN_VALUE": -2_147_483_648,
}
# Types whose construction (or factory call) the loader records.
NEW_TYPES = frozenset({
    "ThreadPoolExecutor", "ScheduledThreadPoolExecutor", "ThreadPoolTaskExecutor", "ThreadPoolExecutorFactoryBean",
    "DruidDataSource", "DruidXADataSource", "HikariDataSource", "HikariConfig", "BasicDataSource",
    "ComboPooledDataSource", "ProtocolConfig", "ProviderConfig", "ConsumerConfig"})
EXECUTORS_FACTORIES = frozenset({"newCachedThreadPool", "newFixedThreadPool", "newScheduledThreadPool",
                                 "newSingleThreadExecutor", "newSingleThreadScheduledExecutor",
                                 "newWorkStealingPool"})
# Types configured with setters after construction: their variable's setter calls are collected.
SETTER_TYPES = NEW_TYPES - {"ScheduledThreadPoolExecutor"}
QUEUE_TYPES = frozenset({"SynchronousQueue", "ArrayBlockingQueue", "LinkedBlockingQueue", "LinkedBlockingDeque",
                         "PriorityBlockingQueue", "LinkedTransferQueue", "DelayQueue"})
DUBBO_ANNOTATIONS = frozenset({"DubboService", "DubboReference", "Service", "Reference"})
MAX_DEPTH = 24  # evaluation through fields and locals: deeper is a generated maze, not configuration


@dataclass(slots=True)
class JValue:
    """One argument or setter value: the expression where it is used, and what the file says it is."""

    text: str  # the expression as written (one line)
    span: Span
    value: str | None  # evaluated: an integer in decimal, a string's content, a TimeUnit name; None = unknown
    placeholder: str | None = None  # "${key:default}" of an @Value field or parameter the expression names
    ph_span: Span | None = None  # where that placeholder string is written (inside the quotes)
    via: str = ""  # how the value was found: 'CORE = 8 (static final field at Pools.java:5)'
    queue: str = ""  # for a work queue: the queue class
    node_type: str = ""
    getter: tuple[str, str] | None = None  # props.getMaxSize() on a field/parameter of type T: (T, "maxSize")


@dataclass(slots=True)
class JCreation:
    """``new X(...)`` or ``Executors.newX(...)`` of a recorded type, with the setters later called on it."""

    type: str  # simple class name, or 'Executors.newFixedThreadPool'
    span: Span  # the creation expression's first line (for a multi-line call, its type name)
    args: list[JValue]
    setters: dict[str, JValue] = field(default_factory=dict)  # property name (setter minus 'set') -> value
    calls: dict[str, JValue] = field(default_factory=dict)  # other configuring calls: allowCoreThreadTimeOut
    name: str = ""  # the variable or field it is assigned to, else the @Bean method's name
    method: str = ""  # enclosing method
    cls: str = ""  # enclosing class
    bean: bool = False  # built in a @Bean method
    bound_prefix: str | None = None  # @ConfigurationProperties prefix on the method or class: a binding
    opaque: str = ""  # why its configuration is not all here (passed to other code, configured by a helper)
    ordinal: int = 0  # among creations of the same type in the same method (fingerprints)
    imports: str = ""  # the package of the type when imported ('org.apache.commons.dbcp2')
    how: str = ""  # a builder call that makes it: 'DruidDataSourceBuilder.create().build()'
    factory: bool = False  # made and returned by a public static method: a library's factory API, sized by callers
    oneshot: bool = False  # used once where it is created (Executors.newFixedThreadPool(1).submit(task))
    tool: bool = False  # built in a static main(): a command-line tool or benchmark, not a service's pool


@dataclass(slots=True)
class JAnnotation:
    name: str  # DubboService | DubboReference | Service | Reference (Dubbo's: checked by import)
    span: Span
    target: str  # annotated class or field name
    attrs: dict[str, JValue]
    methods: dict[str, JValue] = field(default_factory=dict)  # @Method(name=..., timeout=...) -> the timeout


@dataclass(slots=True)
class JPropsClass:
    """A class bound with @ConfigurationProperties(prefix): its fields are the keys under the prefix."""

    name: str
    prefix: str
    path: str
    line: int
    fields: dict[str, JValue | None]  # field -> its initializer (the default when no key is set)


@dataclass(slots=True)
class JavaDoc:
    path: str
    text: str
    creations: list[JCreation] = field(default_factory=list)
    annotations: list[JAnnotation] = field(default_factory=list)
    props_classes: list[JPropsClass] = field(default_factory=list)


def interesting(data: bytes) -> bool:
    return PREFILTER.search(data) is not None


_PARSER: Any = None


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_java

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_java.language()))
    return _PARSER


def load_java(path: str, data: bytes) -> JavaDoc:
    """Parse one Java file. Files without a construct of interest are skipped (LoadError(skipped=True)); a file
    tree-sitter cannot make sense of yields what it could recover (compile errors are the compiler's business)."""
    if not interesting(data):
        raise LoadError("Java source without thread pools, datasources or Dubbo settings", skipped=True)
    text, enc = decode(data)
    raw = data if enc == "utf-8" else text.encode("utf-8", "surrogatepass")
    try:
        tree = _parser().parse(raw)
    except ImportError as e:  # a broken install: report on the file rather than stop the run
        raise LoadError(f"the Java parser (tree-sitter) is not available: {e}") from e
    doc = JavaDoc(path, text)
    _Reader(doc, raw, text).read(tree.root_node)
    return doc


class _Pos:
    """Byte positions (tree-sitter) -> character spans."""

    def __init__(self, path: str, raw: bytes, text: str) -> None:
        self.path = path
        self.ascii = raw.isascii()
        self.lines = raw.split(b"\n") if not self.ascii else []

    def col(self, row: int, bcol: int) -> int:
        if self.ascii:
            return bcol + 1
        line = self.lines[row] if row < len(self.lines) else b""
        if line[:bcol].isascii():
            return bcol + 1
        return len(line[:bcol].decode("utf-8", "replace")) + 1

    def span(self, node: Any) -> Span:
        (r1, c1), (r2, c2) = node.start_point, node.end_point
        return Span(self.path, r1 + 1, self.col(r1, c1), r2 + 1, self.col(r2, c2))


def _txt(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _simple_type(node: Any) -> str:
    """'java.util.concurrent.ThreadPoolExecutor' / 'ThreadPoolExecutor<..>' -> 'ThreadPoolExecutor'."""
    t = _txt(node)
    t = t.split("<", 1)[0].strip()
    return t.rsplit(".", 1)[-1].strip()


def _int_literal(text: str) -> int | None:
    t = text.replace("_", "").rstrip("lL")
    try:
        if t[:2] in ("0x", "0X"):
            return int(t[2:], 16)
        if t[:2] in ("0b", "0B"):
            return int(t[2:], 2)
        if len(t) > 1 and t.startswith("0"):
            return int(t, 8)
        return int(t)
    except ValueError:
        return None


def _string_literal(node: Any) -> str | None:
    if any(c.type in ("escape_sequence", "string_interpolation") for c in node.children):
        text = _txt(node)
        if text.startswith('"""'):
            return None
        try:  # Java escapes that matter in config strings are the same as Python's
            return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        except (UnicodeDecodeError, UnicodeEncodeError):
            return None
    return "".join(_txt(c) for c in node.children if c.type == "string_fragment")


def _annotation_name(node: Any) -> str:
    return _simple_type(node.child_by_field_name("name"))


def _modifiers(decl: Any) -> Any:
    return next((c for c in decl.children if c.type == "modifiers"), None)


def _annotations(mods: Any) -> list[Any]:
    if mods is None:
        return []
    return [c for c in mods.children if c.type in ("annotation", "marker_annotation")]


# A class Spring manages: its pools serve the application even when it also has a main() (the Boot application).
_SPRING_STEREOTYPES = frozenset({"SpringBootApplication", "Configuration", "Component", "Service", "Controller",
                                 "RestController", "Repository", "Bean", "EnableAutoConfiguration",
                                 "AutoConfiguration"})


def _tool_class(cls_node: Any) -> bool:
    """A class with a static main() and no Spring stereotype: a command-line tool (a schema-doc generator, a data
    migration run by hand), whose pools are not a service's."""
    body = cls_node.child_by_field_name("body")
    if body is None or any(_annotation_name(a) in _SPRING_STEREOTYPES for a in _annotations(_modifiers(cls_node))):
        return False
    for m in body.named_children:
        if m.type == "method_declaration" and _txt(m.child_by_field_name("name")) == "main":
            mods = _modifiers(m)
            if mods is not None and re.search(r"\bstatic\b", _txt(mods)):
                return True
    return False


def _annotation_args(ann: Any) -> dict[str, Any]:
    """name -> value node of an annotation's arguments ('value' for a single unnamed one)."""
    args = ann.child_by_field_name("arguments")
    out: dict[str, Any] = {}
    if args is None:
        return out
    for c in args.named_children:
        if c.type == "element_value_pair":
            k, v = c.child_by_field_name("key"), c.child_by_field_name("value")
            if k is not None and v is not None:
                out[_txt(k)] = v
        elif not c.type.endswith("comment"):
            out["value"] = c
    return out


class _Reader:
    def __init__(self, doc: JavaDoc, raw: bytes, text: str) -> None:
        self.doc = doc
        self.pos = _Pos(doc.path, raw, text)
        self.fields: dict[str, Any] = {}  # field name -> its variable_declarator
        self.imports: dict[str, str] = {}  # simple name -> package
        self.wild: list[str] = []  # packages imported with .*
        self.set_names: dict[str, bool] = {}  # field name -> assigned or given a setter somewhere in the file
        self.root: Any = None
        self.file = doc.path.rsplit("/", 1)[-1]

    # ---- walk -------------------------------------------------------------------------------------------

    def read(self, root: Any) -> None:
        self.root = root
        news: list[Any] = []
        factories: list[Any] = []
        annotated: list[Any] = []
        stack = [root]
        while stack:  # iterative: generated code nests deeper than Python's recursion limit
            n = stack.pop()
            t = n.type
            if t == "object_creation_expression":
                if _simple_type(n.child_by_field_name("type")) in NEW_TYPES:
                    news.append(n)
            elif t == "method_invocation":
                name = n.child_by_field_name("name")
                obj = n.child_by_field_name("object")
                if name is not None and obj is not None:
                    nt = _txt(name)
                    if nt in EXECUTORS_FACTORIES and _txt(obj).rsplit(".", 1)[-1] == "Executors":
                        factories.append(n)
                    elif nt == "build" and "DataSourceBuilder" in _txt(obj):
                        factories.append(n)  # (Druid)DataSourceBuilder.create()...build()
            elif t == "import_declaration":
                self._import(n)
                continue
            elif t == "field_declaration":
                for d in n.children:
                    if d.type == "variable_declarator":
                        name = d.child_by_field_name("name")
                        if name is not None:
                            self.fields.setdefault(_txt(name), d)
                annotated.append(n)
            elif t == "class_declaration":
                annotated.append(n)
            if n.child_count:
                stack.extend(reversed(n.children))
        counts: dict[tuple[str, str, str], int] = {}
        for n in sorted(news + factories, key=lambda x: x.start_byte):
            c = self._creation(n)
            if c is None:
                continue
            k = (c.cls, c.method, c.type)
            c.ordinal = counts.get(k, 0)
            counts[k] = c.ordinal + 1
            self.doc.creations.append(c)
        for n in annotated:
            self._dubbo_annotations(n)
            if n.type == "class_declaration":
                self._props_class(n)

    def _import(self, n: Any) -> None:
        body = _txt(n).removeprefix("import").strip().rstrip(";").strip()
        if body.startswith("static "):
            body = body[7:].strip()
        if body.endswith(".*"):
            self.wild.append(body[:-2])
        elif "." in body:
            pkg, name = body.rsplit(".", 1)
            self.imports[name] = pkg

    def package_of(self, simple: str) -> str:
        return self.imports.get(simple, "")

    # ---- creations --------------------------------------------------------------------------------------

    def _creation(self, n: Any) -> JCreation | None:
        method_node = _enclosing(n, ("method_declaration", "constructor_declaration", "lambda_expression"))
        method_decl = _enclosing(n, ("method_declaration", "constructor_declaration"))
        cls_node = _enclosing(n, ("class_declaration", "enum_declaration", "record_declaration"))
        args_node = n.child_by_field_name("arguments")
        how = ""
        if n.type == "object_creation_expression":
            tnode = n.child_by_field_name("type")
            typ = _simple_type(tnode)
            if typ not in _SUBCLASS_SAFE and (n.child_by_field_name("body") is not None
                                              or any(c.type == "class_body" for c in n.children)):
                return None  # an anonymous subclass: its behaviour is not the library's
            head = self.pos.span(n)
            tspan = self.pos.span(tnode)
            span = head if head.line == head.end_line else Span(head.path, head.line, head.col, tspan.end_line,
                                                                 tspan.end_col)
            pkg = self.package_of(typ) or (_txt(tnode).rsplit(".", 1)[0] if "." in _txt(tnode) else "")
        elif _txt(n.child_by_field_name("name")) == "build":
            # DruidDataSourceBuilder.create().build(), DataSourceBuilder.create().type(HikariDataSource.class).build()
            obj = n.child_by_field_name("object")
            chain = "".join(_txt(obj).split())
            m = re.search(r"\.type\(([\w.]+)\.class\)", chain)
            if chain.startswith(("DruidDataSourceBuilder.create()", "DruidDataSourceBuilder.create().")):
                typ = "DruidDataSource"
            elif m is not None:
                typ = m.group(1).rsplit(".", 1)[-1]
            else:
                return None  # Boot picks the pool from the classpath: unknown here
            if typ not in NEW_TYPES:
                return None
            span = self.pos.span(n)
            if span.line != span.end_line:
                span = Span(span.path, span.line, span.col, span.line, span.col + len(_txt(n).split("\n", 1)[0]))
            pkg = self.package_of(typ)
            how = " ".join(_txt(n).split())
        else:
            obj, name = n.child_by_field_name("object"), n.child_by_field_name("name")
            typ = "Executors." + _txt(name)
            a, b = self.pos.span(obj), self.pos.span(name)
            span = Span(a.path, a.line, a.col, b.end_line, b.end_col)
            pkg = "java.util.concurrent"
        args = [self.value(a, method_node) for a in (args_node.named_children if args_node is not None else ())
                if not a.type.endswith("comment")]
        c = JCreation(typ, span, args, imports=pkg, how=how)
        c.method = _txt(method_decl.child_by_field_name("name")) if method_decl is not None else ""
        c.cls = _txt(cls_node.child_by_field_name("name")) if cls_node is not None else ""
        for holder in (method_decl, cls_node):
            if holder is None:
                continue
            for ann in _annotations(_modifiers(holder)):
                an = _annotation_name(ann)
                if an == "Bean" and holder is method_decl:
                    c.bean = True
                elif an == "ConfigurationProperties" and c.bound_prefix is None:
                    a = _annotation_args(ann)
                    v = a.get("prefix") or a.get("value")
                    c.bound_prefix = (_string_literal(v) if v is not None and v.type == "string_literal"
                                      else None) or ""
        p = n.parent
        if p is not None and p.type == "method_invocation" and p.child_by_field_name("object") == n:
            c.oneshot = True
        var, scope = self._assigned_to(n, method_node, cls_node)
        c.name = c.method if c.bean else var  # a bean is known by its method's name
        if method_decl is not None and method_node == method_decl and not c.bean:
            mods = _modifiers(method_decl)
            mtext = _txt(mods) if mods is not None else ""
            c.tool = c.method == "main" and re.search(r"\bstatic\b", mtext) is not None
            if re.search(r"\bpublic\b", mtext) and re.search(r"\bstatic\b", mtext) and (
                    _returned(n) or (var and scope is not None and _returns_name(scope, var))):
                c.factory = True
        if not c.tool and cls_node is not None:
            c.tool = _tool_class(cls_node)
        if typ in SETTER_TYPES or typ == "ThreadPoolExecutor":
            if var and scope is not None:
                self._setters(c, var, n, scope, method_node)
            elif not _returned(n):
                parent = n.parent
                if parent is not None and parent.type == "argument_list":
                    c.opaque = "passed to other code as it is created"
        return c

    def _assigned_to(self, n: Any, method_node: Any, cls_node: Any) -> tuple[str, Any]:
        """The variable (or field) the creation is stored in, and the code where its setters may be called."""
        p = n.parent
        while p is not None and p.type in ("parenthesized_expression", "cast_expression"):
            p = p.parent
        if p is None:
            return "", None
        if p.type == "variable_declarator":
            name = _txt(p.child_by_field_name("name"))
            if p.parent is not None and p.parent.type == "field_declaration":
                return name, cls_node
            return name, method_node.child_by_field_name("body") if method_node is not None else None
        if p.type == "assignment_expression":
            left = p.child_by_field_name("left")
            name = _txt(left).removeprefix("this.")
            if left.type == "identifier" and method_node is not None and not self._is_field(name, method_node):
                return name, method_node.child_by_field_name("body")
            return name, cls_node
        return "", None

    def _is_field(self, name: str, method_node: Any) -> bool:
        return name in self.fields and not _declares_local(method_node, name)

    def _setters(self, c: JCreation, var: str, creation: Any, scope: Any, method_node: Any) -> None:
        stack = [scope]
        while stack:
            n = stack.pop()
            if n.type == "method_invocation":
                obj = n.child_by_field_name("object")
                ot = _txt(obj).removeprefix("this.") if obj is not None else ""
                if ot == var:
                    name = _txt(n.child_by_field_name("name"))
                    args_node = n.child_by_field_name("arguments")
                    args = [a for a in (args_node.named_children if args_node is not None else ())
                            if not a.type.endswith("comment")]
                    inner = _enclosing(n, ("method_declaration", "constructor_declaration", "lambda_expression"))
                    if name.startswith("set") and len(name) > 3 and len(args) == 1:
                        prop = name[3].lower() + name[4:]
                        c.setters[prop] = self.value(args[0], inner)
                    elif name in ("allowCoreThreadTimeOut", "addDataSourceProperty", "addConnectionProperty"):
                        if len(args) == 1:
                            c.calls[name] = self.value(args[0], inner)
                        elif len(args) == 2:
                            k = self.value(args[0], inner)
                            if k.value is None:
                                c.opaque = c.opaque or f"{name} with a computed key"
                            else:
                                c.calls[f"{name}:{k.value}"] = self.value(args[1], inner)
                    elif name not in _HARMLESS:
                        c.opaque = c.opaque or f"{var}.{name}(...) configures it in code cfglint does not follow"
            elif n.type == "argument_list":
                for a in n.named_children:
                    if _txt(a).removeprefix("this.") == var and not _inside(creation, a):
                        call = n.parent
                        cn = _txt(call.child_by_field_name("name")) if call is not None and \
                            call.type == "method_invocation" else ""
                        if call is not None and call.type == "object_creation_expression" and c.type == \
                                "HikariConfig" and _simple_type(call.child_by_field_name("type")) == "HikariDataSource":
                            continue  # new HikariDataSource(config): the config's settings are the pool's
                        if cn not in _HARMLESS_USERS:
                            c.opaque = c.opaque or f"{var} is passed to {cn or 'a constructor'}(...)"
            if n.child_count:
                stack.extend(reversed(n.children))  # source order: a later setter call overrides an earlier one

    # ---- values -----------------------------------------------------------------------------------------

    def value(self, node: Any, method_node: Any, depth: int = 0) -> JValue:
        text = " ".join(_txt(node).split())
        v = JValue(text if len(text) <= 120 else text[:117] + "...", self.pos.span(node), None, node_type=node.type)
        try:
            self._eval(node, method_node, v, depth)
        except RecursionError:
            v.value = None
        sp = v.span
        if node.type == "string_literal" and v.value is not None and sp.line == sp.end_line \
                and sp.end_col - sp.col == len(v.value) + 2:
            v.span = Span(sp.path, sp.line, sp.col + 1, sp.line, sp.end_col - 1)  # the text inside the quotes
        return v

    def _eval(self, node: Any, method_node: Any, out: JValue, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        t = node.type
        if t in ("decimal_integer_literal", "hex_integer_literal", "octal_integer_literal", "binary_integer_literal"):
            n = _int_literal(_txt(node))
            out.value = str(n) if n is not None else None
        elif t == "decimal_floating_point_literal":
            out.value = _txt(node).rstrip("dDfF")
        elif t == "string_literal":
            out.value = _string_literal(node)
        elif t in ("true", "false"):
            out.value = t
        elif t in ("parenthesized_expression", "cast_expression"):
            inner = node.child_by_field_name("value") if t == "cast_expression" else \
                next((c for c in node.named_children if not c.type.endswith("comment")), None)
            if inner is not None:
                self._eval(inner, method_node, out, depth + 1)
        elif t == "unary_expression":
            op = _txt(node.child_by_field_name("operator"))
            sub = JValue("", out.span, None)
            self._eval(node.child_by_field_name("operand"), method_node, sub, depth + 1)
            n = _as_int(sub.value)
            if n is not None and op in ("-", "+"):
                out.value = str(-n if op == "-" else n)
                out.via = sub.via
        elif t == "binary_expression":
            self._binary(node, method_node, out, depth)
        elif t == "field_access" or t == "scoped_identifier":
            text = "".join(_txt(node).split())
            if text in INT_CONSTANTS:
                out.value = str(INT_CONSTANTS[text])
            elif text.rsplit(".", 1)[0].endswith("TimeUnit"):
                out.value = text.rsplit(".", 1)[1]
            elif text.startswith("this."):
                self._name(text[5:], None, out, depth)
        elif t == "identifier":
            name = _txt(node)
            if name in _UNITS and self.imports.get(name, "").endswith("TimeUnit"):
                out.value = name  # import static java.util.concurrent.TimeUnit.SECONDS
            else:
                self._name(name, method_node, out, depth, node)
        elif t == "object_creation_expression":
            typ = _simple_type(node.child_by_field_name("type"))
            if typ in QUEUE_TYPES:
                self._queue(node, typ, method_node, out, depth)
        elif t == "method_invocation":
            self._getter(node, method_node, out)

    def _getter(self, node: Any, method_node: Any, out: JValue) -> None:
        """``props.getMaxSize()`` / ``props.isEnabled()`` on a field or parameter whose declared type is named:
        the extractor resolves it when that type is a @ConfigurationProperties class of the module."""
        obj, name = node.child_by_field_name("object"), node.child_by_field_name("name")
        args = node.child_by_field_name("arguments")
        if obj is None or name is None or (args is not None and args.named_child_count):
            return
        m = re.fullmatch(r"(get|is)([A-Z]\w*)", _txt(name))
        target = _txt(obj).removeprefix("this.")
        if m is None or not re.fullmatch(r"[A-Za-z_$][\w$]*", target):
            return
        decl = None
        if method_node is not None:
            local = _local_or_param(method_node, target, node)
            if local is _AMBIGUOUS:
                return
            if local is not None:
                decl = local if local.type == "formal_parameter" else local.parent
        if decl is None and target in self.fields:
            decl = self.fields[target].parent
        tnode = decl.child_by_field_name("type") if decl is not None else None
        if tnode is not None:
            prop = m.group(2)
            out.getter = (_simple_type(tnode), prop[:1].lower() + prop[1:])

    def _props_class(self, n: Any) -> None:
        for ann in _annotations(_modifiers(n)):
            if _annotation_name(ann) != "ConfigurationProperties":
                continue
            a = _annotation_args(ann)
            v = a.get("prefix") or a.get("value")
            prefix = _string_literal(v) if v is not None and v.type == "string_literal" else None
            if not prefix:
                return
            fields: dict[str, JValue | None] = {}
            body = n.child_by_field_name("body")
            for f in body.named_children if body is not None else ():
                if f.type != "field_declaration" or re.search(r"\bstatic\b", _txt(_modifiers(f))):
                    continue
                for d in f.children:
                    if d.type == "variable_declarator":
                        init = d.child_by_field_name("value")
                        fields[_txt(d.child_by_field_name("name"))] = self.value(init, None) if init is not None \
                            else None
            self.doc.props_classes.append(JPropsClass(_txt(n.child_by_field_name("name")), prefix, self.doc.path,
                                                      self.pos.span(n).line, fields))
            return
    def _binary(self, node: Any, method_node: Any, out: JValue, depth: int) -> None:
        op = _txt(node.child_by_field_name("operator"))
        a = JValue("", out.span, None)
        b = JValue("", out.span, None)
        self._eval(node.child_by_field_name("left"), method_node, a, depth + 1)
        if a.value is None:
            return
        self._eval(node.child_by_field_name("right"), method_node, b, depth + 1)
        if b.value is None:
            return
        out.via = "; ".join(x for x in (a.via, b.via) if x)
        x, y = _as_int(a.value), _as_int(b.value)
        if x is None or y is None:
            if op == "+" and (a.node_type == "string_literal" or b.node_type == "string_literal"
                              or _is_stringy(node)):
                out.value = a.value + b.value
                out.node_type = "string_literal"
            return
        try:
            r = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
                 "/": lambda: int(x / y) if abs(x) < 2**52 and abs(y) < 2**52 else None,
                 "%": lambda: x - y * int(x / y), "<<": lambda: x << y if 0 <= y < 64 else None}.get(op, lambda: None)()
        except (ZeroDivisionError, OverflowError):
            r = None
        out.value = str(r) if r is not None else None

    def _name(self, name: str, method_node: Any, out: JValue, depth: int, use: Any = None) -> None:
        """A simple name: a @Value parameter, a final local, a final field or a @Value field."""
        if method_node is not None:
            decl = _local_or_param(method_node, name, use)
            if decl is _AMBIGUOUS:
                return  # several locals of that name and none that is plainly this use's: unknown
            if decl is not None:
                if decl.type == "formal_parameter":
                    self._value_annotation(decl, name, "parameter", out)
                    return
                init = decl.child_by_field_name("value")
                body = method_node.child_by_field_name("body")
                if init is not None and body is not None and not _reassigned(body, name, decl):
                    self._from(init, method_node, out, depth, f"local {name}", decl)
                return
        decl = self.fields.get(name)
        if decl is None:
            return
        fdecl = decl.parent
        if self._value_annotation(fdecl, name, "field", out):
            return
        mods = _modifiers(fdecl)
        mtext = _txt(mods) if mods is not None else ""
        init = decl.child_by_field_name("value")
        if init is None:
            return
        if re.search(r"\bfinal\b", mtext):
            kind = "static final field" if re.search(r"\bstatic\b", mtext) else "final field"
        elif self._never_set(name, fdecl, mods):
            kind = "field (never reassigned)"
        else:
            return  # a mutable field may be set anywhere (setters, binding, reflection)
        self._from(init, None, out, depth, f"{kind} {name}", decl)

    def _never_set(self, name: str, fdecl: Any, mods: Any) -> bool:
        """A private field with an initializer that nothing in the file assigns: no assignment, no setter, no
        annotation on it, no binding or Lombok setters on its class."""
        if mods is None or not re.search(r"\bprivate\b", _txt(mods)) or _annotations(mods):
            return False
        cls = _enclosing(fdecl, ("class_declaration", "enum_declaration", "record_declaration"))
        if cls is not None and any(_annotation_name(a) in _BINDS for a in _annotations(_modifiers(cls))):
            return False
        hit = self.set_names.get(name)
        if hit is None:
            setter = "set" + name[:1].upper() + name[1:]
            hit = False
            stack = [self.root]
            while stack and not hit:
                n = stack.pop()
                if n.type == "assignment_expression":
                    hit = _txt(n.child_by_field_name("left")).removeprefix("this.") == name
                elif n.type == "update_expression":
                    hit = _txt(n).strip("+-").removeprefix("this.") == name
                elif n.type == "method_declaration":
                    hit = _txt(n.child_by_field_name("name")) == setter
                stack.extend(n.children)
            self.set_names[name] = hit
        return not hit

    def _from(self, init: Any, method_node: Any, out: JValue, depth: int, what: str, decl: Any) -> None:
        sub = JValue("", out.span, None)
        self._eval(init, method_node, sub, depth + 1)
        out.value, out.placeholder, out.ph_span, out.queue = sub.value, sub.placeholder, sub.ph_span, sub.queue
        if sub.value is not None or sub.placeholder is not None:
            line = self.pos.span(decl).line
            shown = sub.value if sub.value is not None else sub.placeholder
            here = f"{what} = {shown} ({self.file}:{line})"
            out.via = f"{here}; {sub.via}" if sub.via else here
            out.node_type = sub.node_type

    def _value_annotation(self, decl: Any, name: str, what: str, out: JValue) -> bool:
        for ann in _annotations(_modifiers(decl)):
            if _annotation_name(ann) != "Value":
                continue
            v = _annotation_args(ann).get("value")
            if v is not None and v.type == "string_literal":
                s = _string_literal(v)
                if s is not None and "${" in s:
                    out.placeholder = s
                    sp = self.pos.span(v)
                    out.ph_span = Span(sp.path, sp.line, sp.col + 1, sp.end_line, max(sp.col + 1, sp.end_col - 1))
                    out.via = f'@Value("{s}") {what} {name} ({self.file}:{sp.line})'
            return True
        return False

    def _queue(self, node: Any, typ: str, method_node: Any, out: JValue, depth: int) -> None:
        out.queue = typ
        args_node = node.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else ())
                if not a.type.endswith("comment")]
        if typ == "SynchronousQueue":
            out.value = "0"
        elif typ in ("LinkedBlockingQueue", "LinkedBlockingDeque"):
            if not args:
                out.value = str(INT_CONSTANTS["Integer.MAX_VALUE"])
            elif len(args) == 1:
                sub = self.value(args[0], method_node, depth + 1)
                if sub.node_type == "object_creation_expression" and sub.value is None:
                    out.value = str(INT_CONSTANTS["Integer.MAX_VALUE"])  # LinkedBlockingQueue(new ArrayList<>(..))
                else:
                    _copy(sub, out)
        elif typ == "ArrayBlockingQueue" and args:
            _copy(self.value(args[0], method_node, depth + 1), out)
        elif typ in ("PriorityBlockingQueue", "LinkedTransferQueue", "DelayQueue"):
            out.value = str(INT_CONSTANTS["Integer.MAX_VALUE"])  # grow without bound whatever the argument

    # ---- Dubbo annotations --------------------------------------------------------------------------------

    def _dubbo_annotations(self, decl: Any) -> None:
        for ann in _annotations(_modifiers(decl)):
            full = _txt(ann.child_by_field_name("name"))
            name = full.rsplit(".", 1)[-1]
            if name not in DUBBO_ANNOTATIONS or not self._is_dubbo(name, full):
                continue
            if decl.type == "class_declaration":
                target = _txt(decl.child_by_field_name("name"))
            else:
                d = next((c for c in decl.children if c.type == "variable_declarator"), None)
                target = _txt(d.child_by_field_name("name")) if d is not None else ""
            args = _annotation_args(ann)
            attrs = {k: self.value(v, None) for k, v in args.items()
                     if k in ("timeout", "retries", "executes", "actives", "version", "group", "interfaceClass",
                              "interfaceName")}
            methods: dict[str, JValue] = {}  # methods = {@Method(name = "export", timeout = 30000)}
            m = args.get("methods")
            for sub in ([m] if m is not None and m.type == "annotation" else
                        m.named_children if m is not None else ()):
                if sub.type != "annotation" or _annotation_name(sub) != "Method":
                    continue
                margs = _annotation_args(sub)
                mname, mt = margs.get("name"), margs.get("timeout")
                if mt is not None:
                    label = _string_literal(mname) if mname is not None and mname.type == "string_literal" else None
                    methods[label or _txt(mname) or "?"] = self.value(mt, None)
            self.doc.annotations.append(JAnnotation(name, self.pos.span(ann), target, attrs, methods))

    def _is_dubbo(self, name: str, full: str) -> bool:
        if name.startswith("Dubbo"):
            return True
        if "." in full:
            return ".dubbo." in full
        pkg = self.imports.get(name, "")
        if pkg:
            return pkg.endswith("dubbo.config.annotation")
        return any(w.endswith("dubbo.config.annotation") for w in self.wild)


# Anonymous subclasses of these override hooks (afterExecute, thread naming) and keep the library's sizing.
# Class annotations under which a field's initializer is only a default: the field is bound or has setters.
_BINDS = frozenset({"ConfigurationProperties", "Data", "Setter", "RefreshScope", "NacosConfigurationProperties"})
_SUBCLASS_SAFE = frozenset({"ThreadPoolExecutor", "ScheduledThreadPoolExecutor", "ThreadPoolTaskExecutor"})
_UNITS = frozenset({"NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS", "MINUTES", "HOURS", "DAYS"})
# Calls on a configured object that change nothing we judge, and calls that merely hand the object on.
_HARMLESS = frozenset({"initialize", "init", "afterPropertiesSet", "start", "shutdown", "shutdownNow",
                       "execute", "submit", "schedule", "scheduleAtFixedRate", "scheduleWithFixedDelay",
                       "invokeAll", "invokeAny", "getThreadPoolExecutor", "toString", "close", "prestartAllCoreThreads",
                       "prestartCoreThread", "getActiveCount", "getPoolSize", "getQueue", "awaitTermination",
                       "isShutdown", "isTerminated", "getConnection", "getCorePoolSize", "getMaxPoolSize",
                       "getMaximumPoolSize", "getName", "getUrl", "getJdbcUrl", "getUsername", "getPoolName",
                       "setProxyFilters", "getProxyFilters", "setFilters", "addFilters", "setDriverClassName",
                       "setTaskDecorator", "setThreadFactory", "setRejectedExecutionHandler", "setThreadNamePrefix"})
_HARMLESS_USERS = frozenset({"put", "add", "register", "registerShutdownHook", "debug", "info", "warn", "error",
                             "println", "setTargetDataSources", "setDefaultTargetDataSource", "of", "asList",
                             "singletonList", "hashMap", "wrap", "decorate", "setExecutor", "setTaskExecutor",
                             "setAsyncExecutor"})


def _copy(sub: JValue, out: JValue) -> None:
    """What a queue's capacity argument evaluated to, onto the queue's value."""
    out.value, out.placeholder, out.ph_span, out.via, out.getter = sub.value, sub.placeholder, sub.ph_span, sub.via, \
        sub.getter


def _as_int(v: str | None) -> int | None:
    if v is None or not re.fullmatch(r"[+-]?\d+", v):
        return None
    return int(v)


def _is_stringy(node: Any) -> bool:
    return any(c.type == "string_literal" for c in node.named_children)


def _enclosing(n: Any, types: tuple[str, ...]) -> Any:
    p = n.parent
    while p is not None:
        if p.type in types:
            return p
        p = p.parent
    return None


def _inside(outer: Any, node: Any) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _returns_name(body: Any, name: str) -> bool:
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "return_statement" and " ".join(_txt(n).split()) in (f"return {name};", f"return this.{name};"):
            return True
        if n.type not in ("lambda_expression", "class_body"):
            stack.extend(n.children)
    return False


def _returned(n: Any) -> bool:
    p = n.parent
    while p is not None and p.type in ("parenthesized_expression", "cast_expression"):
        p = p.parent
    return p is not None and p.type in ("return_statement", "lambda_expression")


_AMBIGUOUS = object()


def _local_or_param(method_node: Any, name: str, use: Any = None) -> Any:
    """The formal parameter or local variable declarator of ``name`` in a method. With several locals of that name
    (in different blocks), the innermost one declared before ``use`` in a block that holds it; ``_AMBIGUOUS`` when
    there is no use to place or none fits."""
    params = method_node.child_by_field_name("parameters")
    if params is not None:
        for p in params.named_children:
            if p.type == "formal_parameter" and _txt(p.child_by_field_name("name")) == name:
                return p
            if p.type == "identifier" and _txt(p) == name:  # lambda parameter: never a constant
                return p
    elif method_node.type == "lambda_expression":
        return None
    body = method_node.child_by_field_name("body")
    if body is None:
        return None
    found = []
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "local_variable_declaration":
            found.extend(d for d in n.children
                         if d.type == "variable_declarator" and _txt(d.child_by_field_name("name")) == name)
        if n.type in ("lambda_expression", "class_body"):
            continue
        stack.extend(reversed(n.children))
    if len(found) <= 1:
        return found[0] if found else None
    if use is None:
        return _AMBIGUOUS
    fits = [d for d in found if d.start_byte < use.start_byte and d.parent is not None and d.parent.parent is not None
            and d.parent.parent.start_byte <= use.start_byte < d.parent.parent.end_byte]
    return max(fits, key=lambda d: d.start_byte) if fits else _AMBIGUOUS


def _declares_local(method_node: Any, name: str) -> bool:
    return _local_or_param(method_node, name) is not None


def _reassigned(body: Any, name: str, decl: Any) -> bool:
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "assignment_expression" and _txt(n.child_by_field_name("left")) == name:
            return True
        if n.type == "update_expression" and _txt(n).strip("+-") == name:
            return True
        stack.extend(n.children)
    return False
