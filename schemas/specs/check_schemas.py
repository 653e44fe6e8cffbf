#!/usr/bin/env python3
"""Checks the project's YNL specs (the *.yaml files beside this script), one report line per
file, exit status 1 on any failure:

  schema   validates against the kernel's JSON schema for the file's protocol level
           (genetlink-legacy.yaml, ...; from --schemas, else beside the kernel spec corpus
           named by NLWIRE_KERNEL_SPECS: its schemas/ subdirectory or its parent, as in a
           kernel tree's Documentation/netlink, else /usr/share/ynl);
  header   line 1 is the SPDX tag every YNL spec carries;
  tags     the bracketed tags that open a doc are known ones: at most one side tag
           ([userspace-only] ...) first, then encoding tags ([nla-f-nested], on nests only);
  numbers  no two attributes of a set, entries of an enum or ops share a value, and every
           C name (prefix + name, as C code generation forms it) agrees with the OVS ABI dump
           (--abi-dump, default $NLWIRE_OVS_ABI_DUMP), which also gives
           every struct's size and member offsets, sizes and byte order (__be*); values
           tagged [kernel-only] are absent from it by definition;
  refs     every set, struct, enum, op attribute, notify target and group named exists;
  copies   ovs_packet.yaml's copy of the key/action model equals ovs_flow.yaml's.

Needs PyYAML and jsonschema (pip install pyyaml jsonschema). Run from anywhere:
  python3 schemas/specs/check_schemas.py
"""
import argparse
import os
import re
import sys

try:
    import yaml
    import jsonschema
except ImportError as e:  # pragma: no cover
    sys.exit(f"check_schemas.py needs PyYAML and jsonschema: {e}")

HERE = os.path.dirname(os.path.abspath(__file__))
SPDX = "# SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)"
TAGS = {"userspace-only", "kernel-only", "kernel-internal", "not-in-6.1"}
# Tags about how an attribute is encoded; they follow the side tag, if any.
ENCODING_TAGS = {"nla-f-nested"}
NEST_TYPES = {"nest", "indexed-array", "sub-message"}
INT_SIZE = {"u8": 1, "s8": 1, "u16": 2, "s16": 2, "u32": 4, "s32": 4, "u64": 8, "s64": 8}
# Items of ovs_flow.yaml that ovs_packet.yaml does not copy (flow commands only), and the
# items ovs_packet.yaml adds.
FLOW_ONLY = {"ovs-header", "ovs-flow-stats", "ovs-ufid-flags", "flow-attrs"}
PACKET_ONLY = {"eth-hlen", "ovs-header", "packet"}


def c_name(s):
    return s.upper().replace("-", "_")


def docs(node):
    """Yields every doc string in a spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "doc" and isinstance(v, str):
                yield v
            else:
                yield from docs(v)
    elif isinstance(node, list):
        for v in node:
            yield from docs(v)


def leading_tags(doc):
    """The bracketed tags that open a doc, in order."""
    return re.findall(r"\[([^\]\s]+)\]", re.match(r"\s*((?:\[[^\]\s]+\]\s*)*)", doc)[1])


def tag_problems(spec):
    """Unknown or misplaced doc tags, and encoding tags on attributes they do not fit."""
    problems = []
    for d in docs(spec):
        tags = leading_tags(d)
        for i, t in enumerate(tags):
            if t in TAGS and i > 0:
                problems.append(f"tag [{t}] must come first")
            elif t not in TAGS and t not in ENCODING_TAGS:
                problems.append(f"unknown tag [{t}]")
    for s in spec.get("attribute-sets", []):
        for a in s["attributes"]:
            if "nla-f-nested" in leading_tags(a.get("doc", "")) and a.get("type") not in NEST_TYPES:
                problems.append(f"{s['name']}.{a['name']}: [nla-f-nested] on a {a.get('type')}")
    return problems


def load_dump(path):
    """C name -> value, struct -> size and struct -> [(offset, size, C declaration)] from the
    OVS ABI dump (a union shows as several members at one offset; the first is kept)."""
    values, sizes, layouts, cur = {}, {}, {}, None
    if not path or not os.path.exists(path):
        return None, None, None
    for line in open(path):
        m = re.match(r"sizeof\(struct (\w+)\) = (\d+)", line)
        if m:
            sizes[m[1]] = int(m[2])
            continue
        m = re.match(r"struct (\w+) \(size \d+\):", line)
        if m:
            cur = layouts.setdefault(m[1], [])
            continue
        m = re.match(r"\s+(\d+)\s+(\d+)\s+(.*)$", line)
        if m and cur is not None:
            if not cur or cur[-1][0] != int(m[1]):
                cur.append((int(m[1]), int(m[2]), m[3]))
            continue
        m = re.match(r"(\w+) = (-?\d+)$", line.strip())
        if m:
            values[m[1]] = int(m[2])
    return values, sizes, layouts


def layout_problems(fam, name, c_layout):
    """Member offsets, sizes and byte order against the C layout. Members named pad* of
    type binary stand for C tail padding, which the C layout does not list."""
    problems, offset, members = [], 0, []
    for m in fam.defs[name]["members"]:
        if m["type"] in INT_SIZE:
            size = INT_SIZE[m["type"]]
        elif "struct" in m:
            size = fam.struct_size(m["struct"])
        else:
            size = fam.length(m["len"])
        if not (m["type"] == "binary" and m["name"].startswith("pad")):
            members.append((offset, size, m))
        offset += size
    if len(members) != len(c_layout):
        return [f"struct {name}: {len(members)} members, C has {len(c_layout)}"]
    for (off, size, m), (c_off, c_size, decl) in zip(members, c_layout):
        field = decl.split()[-1].split("[")[0]
        if (off, size) != (c_off, c_size):
            problems.append(f"{name}.{m['name']}: offset {off} size {size}, C {field} {c_off}/{c_size}")
        if decl.startswith("__be") != (m.get("byte-order") == "big-endian"):
            problems.append(f"{name}.{m['name']}: byte-order {m.get('byte-order')}, C type {decl}")
    return problems


class Family:
    """The numbers of one spec, computed with the YNL rules (nlspec.py)."""

    def __init__(self, spec):
        self.spec = spec
        name = spec["name"]
        self.defs = {d["name"]: d for d in spec.get("definitions", [])}
        self.errors = []
        self.values = {}  # C name -> (value, doc)
        for d in self.defs.values():
            pre = d.get("name-prefix")
            if d["type"] == "const":
                prefix = pre if pre is not None else name + "-"
                # #defines are not in the dump: no doc, so no tag check either
                self.values[c_name(prefix + d["name"])] = (d["value"], None)
            elif d["type"] in ("enum", "flags"):
                prefix = pre if pre is not None else f"{name}-{d['name']}-"
                v, seen = d.get("value-start", 0), {}
                for e in d["entries"]:
                    e = {"name": e} if isinstance(e, str) else e
                    v = e.get("value", v)
                    if v in seen:
                        self.errors.append(f"{d['name']}: {e['name']} and {seen[v]} share {v}")
                    seen[v] = e["name"]
                    val = 1 << v if d["type"] == "flags" else v
                    self.values[c_name(prefix + e["name"])] = (val, e.get("doc") or d.get("doc"))
                    v += 1
        self.n_attrs = 0
        for s in spec["attribute-sets"]:
            self.n_attrs += len(s["attributes"])
            if "subset-of" in s:
                continue
            default = f"{name}-a-" if s["name"] == name else f"{name}-a-{s['name']}-"
            prefix, v, seen = s.get("name-prefix", default), 1, {}
            for a in s["attributes"]:
                v = a.get("value", v)
                if v in seen:
                    self.errors.append(f"set {s['name']}: {a['name']} and {seen[v]} share {v}")
                seen[v] = a["name"]
                cn = c_name(a.get("name-prefix", prefix) + a["name"])
                self.values[cn] = (v, a.get("doc") or s.get("doc"))
                v += 1
        ops = spec["operations"]
        prefix = ops.get("name-prefix", name + "-cmd-")
        if ops.get("enum-model", "unified") == "unified":
            v, seen = 1, {}
            for o in ops["list"]:
                v = o.get("value", v)
                if v in seen:
                    self.errors.append(f"ops {o['name']} and {seen[v]} share {v}")
                seen[v] = o["name"]
                self.values[c_name(prefix + o["name"])] = (v, o.get("doc"))
                v += 1

    def struct_size(self, name):
        total = 0
        for m in self.defs[name]["members"]:
            if m["type"] in INT_SIZE:
                total += INT_SIZE[m["type"]]
            elif "struct" in m:
                total += self.struct_size(m["struct"])
            else:
                total += self.length(m["len"])
        return total

    def length(self, x):
        if isinstance(x, int):
            return x
        m = re.match(r"^([\w-]+)( - 1)?$", x)
        return self.defs[m[1]]["value"] - (1 if m[2] else 0)


def reference_problems(spec):
    """Names that point nowhere: nested sets, structs and enums of attributes and members,
    the attributes an op lists, its notify target and multicast group."""
    defs = {d["name"] for d in spec.get("definitions", [])}
    sets = {s["name"]: {a["name"] for a in s["attributes"]} for s in spec["attribute-sets"]}
    ops = {o["name"]: o for o in spec["operations"]["list"]}
    groups = {g["name"] for g in spec.get("mcast-groups", {}).get("list", [])}
    problems = []
    for s in spec["attribute-sets"]:
        if s.get("subset-of") and s["subset-of"] not in sets:
            problems.append(f"set {s['name']}: no set {s['subset-of']}")
        for a in s["attributes"]:
            if a.get("nested-attributes", s["name"]) not in sets:
                problems.append(f"{s['name']}.{a['name']}: no set {a['nested-attributes']}")
            problems += [f"{s['name']}.{a['name']}: no definition {a[k]}" for k in ("struct", "enum") if k in a and a[k] not in defs]
    for d in spec.get("definitions", []):
        for m in d.get("members", []):
            problems += [f"{d['name']}.{m['name']}: no definition {m[k]}" for k in ("struct", "enum") if k in m and m[k] not in defs]
    for o in ops.values():
        target = ops.get(o.get("notify"), {})
        aset = o.get("attribute-set") or target.get("attribute-set")
        lists = [o.get(m, {}).get(r, {}).get("attributes", []) for m in ("do", "dump") for r in ("request", "reply")]
        lists.append(o.get("event", {}).get("attributes", []))
        problems += [f"op {o['name']}: {n} is not in set {aset}" for lst in lists for n in lst if n not in sets.get(aset, ())]
        if "notify" in o and not target:
            problems.append(f"op {o['name']}: notifies unknown op {o['notify']}")
        if "mcgrp" in o and o["mcgrp"] not in groups:
            problems.append(f"op {o['name']}: no multicast group {o['mcgrp']}")
    return problems


def find_schema_dir(arg):
    corpus = os.environ.get("NLWIRE_KERNEL_SPECS")
    beside = [os.path.join(corpus, "schemas"), os.path.join(corpus, "..")] if corpus else []
    for d in [arg, *beside, "/usr/share/ynl"]:
        if d and os.path.exists(os.path.join(d, "genetlink-legacy.yaml")):
            return d
    return None


def copies_agree(specs):
    """Problems where ovs_packet.yaml's copy differs from ovs_flow.yaml."""
    if "ovs_flow.yaml" not in specs or "ovs_packet.yaml" not in specs:
        return []
    flow, packet = specs["ovs_flow.yaml"], specs["ovs_packet.yaml"]
    problems = []
    for key in ("definitions", "attribute-sets"):
        f = [x for x in flow[key] if x["name"] not in FLOW_ONLY]
        p = [x for x in packet[key] if x["name"] not in PACKET_ONLY]
        if [x["name"] for x in f] != [x["name"] for x in p]:
            problems.append(f"{key}: the copied items or their order differ")
            continue
        problems += [f"{key} {a['name']} differs from ovs_flow.yaml" for a, b in zip(f, p) if a != b]
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schemas", help="directory with genetlink*.yaml JSON schemas")
    ap.add_argument("--abi-dump", default=os.environ.get("NLWIRE_OVS_ABI_DUMP"),
                    help="OVS ABI dump (default: $NLWIRE_OVS_ABI_DUMP)")
    ap.add_argument("files", nargs="*", help="spec files (default: every *.yaml here)")
    args = ap.parse_args()
    files = args.files or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".yaml"))
    schema_dir = find_schema_dir(args.schemas)
    dump_values, dump_sizes, dump_layouts = load_dump(args.abi_dump)
    if schema_dir is None:
        print("note: no JSON schemas found (--schemas); schema validation skipped")
    if dump_values is None:
        print("note: no OVS ABI dump found (--abi-dump); numbers checked for uniqueness only")
    texts = {os.path.basename(p): open(p).read() for p in files}
    specs = {base: yaml.safe_load(text) for base, text in texts.items()}
    failed = False
    for base, spec in specs.items():
        problems = []
        if texts[base].split("\n", 1)[0] != SPDX:
            problems.append("line 1 is not the YNL SPDX tag")
        level = spec.get("protocol", "genetlink")
        if schema_dir:
            schema = yaml.safe_load(open(os.path.join(schema_dir, level + ".yaml")))
            for e in jsonschema.Draft7Validator(schema).iter_errors(spec):
                where = "/".join(str(p) for p in e.path)
                problems.append(f"schema: {where}: {e.message[:160]}")
        problems += tag_problems(spec)
        problems += reference_problems(spec)
        fam = Family(spec)
        problems += fam.errors
        checked = 0
        if dump_values is not None and base.startswith("ovs_"):
            for cn, (v, doc) in sorted(fam.values.items()):
                if cn in dump_values:
                    checked += 1
                    if dump_values[cn] != v:
                        problems.append(f"{cn} = {v}, the OVS ABI dump has {dump_values[cn]}")
                elif (doc or "").lstrip().startswith("[userspace-only]"):
                    problems.append(f"{cn} is tagged [userspace-only] but absent from the OVS dump")
            for d in fam.defs.values():
                cs = d["name"].replace("-", "_")
                if d["type"] == "struct" and cs in dump_sizes:
                    checked += 1
                    size = fam.struct_size(d["name"])
                    if size != dump_sizes[cs]:
                        problems.append(f"sizeof {cs}: spec {size}, C {dump_sizes[cs]}")
                    if cs in dump_layouts:
                        problems += layout_problems(fam, d["name"], dump_layouts[cs])
        if base == "ovs_packet.yaml":
            problems += [f"copy: {p}" for p in copies_agree(specs)]
        counts = (
            f"{len(spec['attribute-sets'])} sets, {fam.n_attrs} attrs, "
            f"{len(spec['operations']['list'])} ops, {len(fam.defs)} definitions"
        )
        extra = f", {checked} numbers matched the OVS ABI dump" if checked else ""
        print(f"{'FAIL' if problems else 'ok  '} {base} ({level}): {counts}{extra}")
        for p in problems:
            print(f"     {p}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
