# A small parser for the cbindgen-generated C headers (include/wasm.h, include/wasmlift.h):
# extracts typedefs, structs/unions, enum and #define constants and function prototypes, and
# maps C types to ctypes types, so tests can check that _ffi.py matches the header exactly.
import ctypes
import re
from dataclasses import dataclass, field


@dataclass
class CType:
    """A parsed C type: a base name (after `struct`/`union`), pointer depth, const-ness of the
    pointee at depth 0, or a function pointer (`func` = (ret CType, [param CTypes]))."""

    base: str
    pointers: int = 0
    const: bool = False
    func: tuple = None

    def __str__(self):
        if self.func:
            ret, params = self.func
            return f"{ret} (*)({', '.join(map(str, params))})"
        return ("const " if self.const else "") + self.base + " *" * self.pointers


@dataclass
class Header:
    typedefs: dict = field(default_factory=dict)  # alias -> CType
    structs: dict = field(default_factory=dict)  # struct/union name -> [(field, CType)] (None if opaque)
    unions: set = field(default_factory=set)
    functions: dict = field(default_factory=dict)  # name -> (CType ret, [(param name, CType)])
    constants: dict = field(default_factory=dict)  # enum values, #defines, static consts


_SCALARS = {
    "void": None,
    "bool": ctypes.c_bool,
    "char": ctypes.c_char,
    "int8_t": ctypes.c_int8,
    "uint8_t": ctypes.c_uint8,
    "int16_t": ctypes.c_int16,
    "uint16_t": ctypes.c_uint16,
    "int32_t": ctypes.c_int32,
    "uint32_t": ctypes.c_uint32,
    "int64_t": ctypes.c_int64,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "float": ctypes.c_float,
    "double": ctypes.c_double,
    "int": ctypes.c_int,
}


def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _int(value):
    value = value.strip().rstrip("uUlL")
    return int(value, 0)


def _preprocess(text, header):
    """Drops preprocessor lines and C++-only blocks; records integer #defines."""
    out = []
    skip_depth = 0
    depth = 0
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            directive = s[1:].strip()
            if directive.startswith(("if", "ifdef", "ifndef")):
                depth += 1
                if skip_depth == 0 and directive.replace(" ", "").startswith("ifdef__cplusplus"):
                    skip_depth = depth
            elif directive.startswith("endif"):
                if skip_depth == depth:
                    skip_depth = 0
                depth -= 1
            elif directive.startswith("else") or directive.startswith("elif"):
                pass
            elif directive.startswith("define") and skip_depth == 0:
                m = re.match(r"define\s+(\w+)\s+(-?(?:0x[0-9a-fA-F]+|\d+)[uUlL]*)\s*$", directive)
                if m:
                    header.constants[m.group(1)] = _int(m.group(2))
            continue
        if skip_depth == 0:
            out.append(line)
    return "\n".join(out)


def _declarations(text):
    """Splits into top-level declarations ending in ';', dropping function definitions."""
    decls = []
    cur = []
    depth = 0
    for ch in text:
        cur.append(ch)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                body = "".join(cur).strip()
                head = body.split("{", 1)[0]
                # A function definition (static inline helper): `...)` right before the brace.
                if head.rstrip().endswith(")"):
                    cur = []
        elif ch == ";" and depth == 0:
            d = " ".join("".join(cur).split())
            if d != ";":
                decls.append(d[:-1].strip())
            cur = []
    return decls


def _split_params(s):
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


_QUALIFIERS = {"const", "struct", "union", "enum", "own", "WASM_API_EXTERN", "extern", "static", "inline"}


def parse_declarator(s, want_name=True):
    """Parses `TYPE NAME` (or just `TYPE` when want_name is false) into (name, CType)."""
    s = s.strip()
    # Function pointer: RET (*NAME)(PARAMS)
    m = re.match(r"^(.*?)\(\s*\*\s*(\w*)\s*\)\s*\((.*)\)$", s)
    if m:
        ret = parse_declarator(m.group(1), want_name=False)[1]
        params = [] if m.group(3).strip() in ("", "void") else [parse_declarator(p)[1] for p in _split_params(m.group(3))]
        return m.group(2) or None, CType("", func=(ret, params))
    tokens = re.findall(r"\w+|\*", s)
    name = None
    if want_name and tokens and tokens[-1] != "*" and len([t for t in tokens if t not in _QUALIFIERS and t != "*"]) >= 2:
        name = tokens.pop()
    # const of the pointee: `const` before the first `*`.
    first_star = tokens.index("*") if "*" in tokens else len(tokens)
    const = "const" in tokens[:first_star]
    base = [t for t in tokens if t not in _QUALIFIERS and t != "*"]
    if len(base) != 1:
        raise ValueError(f"cannot parse C declarator {s!r}")
    return name, CType(base[0], pointers=tokens.count("*"), const=const)


def parse(text):
    """Parses header text into a Header."""
    header = Header()
    text = _preprocess(_strip_comments(text), header)
    for d in _declarations(text):
        if d.startswith("typedef"):
            body = d[len("typedef"):].strip()
            m = re.match(r"^(struct|union)\s+(\w+)\s*\{(.*)\}\s*(\w+)$", body, re.S)
            if m:
                kind, sname, fields, alias = m.groups()
                header.structs[sname] = [parse_declarator(f) for f in fields.split(";") if f.strip()]
                if kind == "union":
                    header.unions.add(sname)
                header.typedefs[alias] = CType(sname)
                continue
            name, ty = parse_declarator(body)
            if ty.func is None and re.match(r"^(struct|union)\s", body):
                header.structs.setdefault(ty.base, None)
            header.typedefs[name] = ty
        elif d.startswith("enum"):
            m = re.match(r"^enum\s+\w*\s*\{(.*)\}$", d, re.S)
            value = -1
            for item in m.group(1).split(","):
                item = item.strip()
                if not item:
                    continue
                if "=" in item:
                    k, v = item.split("=")
                    value = _int(v)
                    item = k.strip()
                else:
                    value += 1
                header.constants[item] = value
        elif d.startswith("static const"):
            m = re.match(r"^static const [\w ]+?\s(\w+)\s*=\s*(\S+)$", d)
            header.constants[m.group(1)] = _int(m.group(2))
        elif re.match(r"^(struct|union)\s+\w+$", d):
            header.structs.setdefault(d.split()[1], None)
        elif d.startswith("extern \"C\""):
            continue
        else:
            m = re.match(r"^(.*?)(\w+)\s*\((.*)\)$", d, re.S)
            if not m:
                raise ValueError(f"cannot parse declaration {d!r}")
            exported = "WASM_API_EXTERN" in m.group(1).split()
            _, ret = parse_declarator(m.group(1), want_name=False)
            params_src = m.group(3).strip()
            params = [] if params_src in ("", "void") else [parse_declarator(p) for p in _split_params(params_src)]
            header.functions[m.group(2)] = (ret, params, exported)
    return header


def parse_files(*paths):
    """Parses several headers (e.g. wasm.h then wasmlift.h) into one Header."""
    texts = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            texts.append(f.read())
    return parse("\n".join(texts))


class Resolver:
    """Maps parsed C types to ctypes types. Pointers to opaque structs become c_void_p,
    pointers to structs that `structs` defines become POINTER(that class)."""

    def __init__(self, header, structs):
        self.header = header
        self.structs = structs  # C struct name -> ctypes class

    def resolve_base(self, ty):
        """Follows typedefs; returns a CType whose base is a scalar, a struct or a function."""
        seen = 0
        while ty.func is None and ty.base in self.header.typedefs:
            t = self.header.typedefs[ty.base]
            if t.func is None and t.base == ty.base and t.pointers == 0:
                break  # typedef struct X X;
            ty = CType(t.base, t.pointers + ty.pointers, ty.const or t.const, t.func)
            seen += 1
            if seen > 50:
                raise ValueError(f"typedef loop at {ty}")
        return ty

    def ctype(self, ty):
        ty = self.resolve_base(ty)
        if ty.func is not None:
            ret, params = ty.func
            return ctypes.CFUNCTYPE(self.ctype(ret), *[self.ctype(p) for p in params])
        if ty.base in _SCALARS:
            base = _SCALARS[ty.base]
            if ty.pointers == 0:
                return base
            if base is None:
                inner = ctypes.c_void_p
            elif base is ctypes.c_char and ty.const:
                inner = ctypes.c_char_p
            else:
                inner = ctypes.POINTER(base)
            for _ in range(ty.pointers - 1):
                inner = ctypes.POINTER(inner)
            return inner
        if ty.base in self.header.structs:
            if ty.pointers == 0:
                if ty.base not in self.structs:
                    raise KeyError(f"struct {ty.base} is passed by value but has no ctypes class")
                return self.structs[ty.base]
            if ty.base in self.structs:
                inner = ctypes.POINTER(self.structs[ty.base])
            else:
                inner = ctypes.c_void_p  # an opaque object handle
            for _ in range(ty.pointers - 1):
                inner = ctypes.POINTER(inner)
            return inner
        raise KeyError(f"unknown C type {ty}")


def same_ctype(a, b):
    """Structural equality of ctypes types (function pointer types compare by signature)."""
    if a is b:
        return True
    fa = getattr(a, "_flags_", None) is not None and hasattr(a, "_argtypes_")
    fb = getattr(b, "_flags_", None) is not None and hasattr(b, "_argtypes_")
    if fa and fb:
        return (
            same_ctype(a._restype_, b._restype_)
            and len(a._argtypes_) == len(b._argtypes_)
            and all(same_ctype(x, y) for x, y in zip(a._argtypes_, b._argtypes_))
        )
    pa = getattr(a, "_type_", None)
    pb = getattr(b, "_type_", None)
    if isinstance(a, type) and isinstance(b, type) and issubclass(a, ctypes._Pointer) and issubclass(b, ctypes._Pointer):
        return same_ctype(pa, pb)
    return False


if __name__ == "__main__":  # pragma: no cover - prints what the parser sees
    import sys

    h = parse_files(*sys.argv[1:])
    for name, (ret, params, exported) in sorted(h.functions.items()):
        print(f"{'' if exported else '(not WASM_API_EXTERN) '}{ret} {name}({', '.join(f'{t} {n}' for n, t in params)})")
