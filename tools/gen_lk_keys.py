#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen_lk_keys.py: walk the Go struct definitions that LiveKit server's
# strict YAML config decoder (gopkg.in/yaml.v3, KnownFields(true),
# target config.Config) uses, applying yaml.v3's field-naming rules, and
# print the accepted key paths.
#
# usage: gen_lk_keys.py LKDIR PROTODIR MTUDIR [--tsv | --c METAFILE]
#   LKDIR    checkout of github.com/livekit/livekit (module livekit-server)
#   PROTODIR checkout of github.com/livekit/protocol
#   MTUDIR   checkout of github.com/livekit/mediatransportutil
#
# yaml.v3 rules applied (see gopkg.in/yaml.v3 yaml.go getStructInfo):
#  - unexported, non-embedded fields are skipped;
#  - key = yaml tag name before the comma; if the field has no yaml tag
#    and its whole tag contains no ':', the whole tag is the key; else
#    key = strings.ToLower(FieldName);
#  - tag "-" skips the field;
#  - ",inline" splices the embedded struct's keys into the parent;
#  - a type with UnmarshalYAML (either signature) is opaque: its own
#    code decides what it accepts.

import os
import re
import sys

BASIC = set("""bool string int int8 int16 int32 int64 uint uint8 uint16 uint32
uint64 uintptr float32 float64 complex64 complex128 byte rune""".split())

def strip_comments(s):
	out = []
	i, n = 0, len(s)
	while i < n:
		c = s[i]
		if s.startswith("//", i):
			j = s.find("\n", i)
			i = n if j < 0 else j
		elif s.startswith("/*", i):
			j = s.find("*/", i + 2)
			i = n if j < 0 else j + 2
			out.append(" ")
		elif c == '"' or c == "'":
			j = i + 1
			while j < n and s[j] != c:
				j += 2 if s[j] == "\\" else 1
			out.append(s[i:j + 1])
			i = j + 1
		elif c == "`":
			j = s.find("`", i + 1)
			out.append(s[i:j + 1])
			i = j + 1
		else:
			out.append(c)
			i += 1
	return "".join(out)

def match_brace(s, i, open_="{", close="}"):
	"""s[i] == open_; return index of matching close (raw strings kept)."""
	depth = 0
	j = i
	while j < len(s):
		c = s[j]
		if c == "`":
			j = s.find("`", j + 1)
		elif c == '"':
			j += 1
			while s[j] != '"':
				j += 2 if s[j] == "\\" else 1
		elif c == open_:
			depth += 1
		elif c == close:
			depth -= 1
			if depth == 0:
				return j
		j += 1
	raise ValueError("unbalanced")

class Pkg:
	def __init__(self, path, d):
		self.path = path
		self.dir = d
		self.name = None
		self.types = {}		# name -> (kind, body/expr, file, imports)
		self.unmarshalers = set()
		self.textunmarshalers = set()
		for f in sorted(os.listdir(d)):
			if not f.endswith(".go") or f.endswith("_test.go"):
				continue
			self.parse(os.path.join(d, f))

	def parse(self, fn):
		s = strip_comments(open(fn, encoding="utf-8").read())
		m = re.search(r"^package\s+(\w+)", s, re.M)
		self.name = m.group(1)
		imports = {}
		for m in re.finditer(r"^import\s*\((.*?)^\)", s, re.M | re.S):
			for line in m.group(1).splitlines():
				self.add_import(imports, line)
		for m in re.finditer(r"^import\s+([^(\n].*)$", s, re.M):
			self.add_import(imports, m.group(1))
		for m in re.finditer(r"^func\s*\(\s*\w*\s*\*?\s*(\w+)\s*\)\s*"
		    r"UnmarshalYAML\s*\(", s, re.M):
			self.unmarshalers.add(m.group(1))
		for m in re.finditer(r"^func\s*\(\s*\w*\s*\*?\s*(\w+)\s*\)\s*"
		    r"UnmarshalText\s*\(", s, re.M):
			self.textunmarshalers.add(m.group(1))
		# type declarations, single and grouped
		for m in re.finditer(r"^type\s+", s, re.M):
			i = m.end()
			if s[i] == "(":
				j = match_brace(s, i, "(", ")")
				self.parse_specs(s[i + 1:j], fn, imports)
			else:
				self.parse_specs_at(s, i, fn, imports)

	def add_import(self, imports, line):
		line = line.strip()
		if not line:
			return
		m = re.match(r'(?:(\w+|\.|_)\s+)?"([^"]+)"', line)
		if not m:
			return
		alias, path = m.group(1), m.group(2)
		if alias is None:
			parts = path.split("/")
			last = parts[-1]
			if re.fullmatch(r"v\d+", last) and len(parts) > 1:
				last = parts[-2]
			last = re.sub(r"\.v\d+$", "", last)
			alias = last.replace("-", "")
		imports[alias] = path

	def parse_specs(self, block, fn, imports):
		i = 0
		while True:
			m = re.compile(r"\s*(\w+)\s").match(block, i)
			if not m:
				break
			i = self.parse_specs_at(block, m.start(1), fn, imports)

	def parse_specs_at(self, s, i, fn, imports):
		m = re.compile(r"(\w+)(\[[^\]]*\])?\s*(=)?\s*").match(s, i)
		name = m.group(1)
		j = m.end()
		if s.startswith("struct", j) and re.match(r"struct\s*\{", s[j:]):
			k = s.index("{", j)
			e = match_brace(s, k)
			self.types[name] = ("struct", s[k + 1:e], fn, imports)
			return e + 1
		if s.startswith("interface", j):
			k = s.index("{", j)
			e = match_brace(s, k)
			self.types[name] = ("iface", None, fn, imports)
			return e + 1
		e = s.find("\n", j)
		if e < 0:
			e = len(s)
		expr = s[j:e].strip()
		if expr.startswith("func"):
			self.types[name] = ("func", expr, fn, imports)
		else:
			self.types[name] = ("named", expr, fn, imports)
		return e

def split_fields(body):
	fields = []
	cur = ""
	depth = 0
	i = 0
	while i < len(body):
		c = body[i]
		if c == "`":
			j = body.index("`", i + 1)
			cur += body[i:j + 1]
			i = j + 1
			continue
		if c in "{([":
			depth += 1
		elif c in "})]":
			depth -= 1
		if (c == "\n" or c == ";") and depth == 0:
			if cur.strip():
				fields.append(cur.strip())
			cur = ""
		else:
			cur += c
		i += 1
	if cur.strip():
		fields.append(cur.strip())
	return fields

def parse_field(line):
	tag = ""
	m = re.search(r"`([^`]*)`\s*$", line)
	if m:
		tag = m.group(1)
		line = line[:m.start()].strip()
	m = re.match(r"(\w+(?:\s*,\s*\w+)*)\s+(\S.*)$", line)
	if m and not line.startswith("*") and "." not in m.group(1):
		names = [x.strip() for x in m.group(1).split(",")]
		return names, m.group(2).strip(), tag, False
	# embedded field: T, *T, pkg.T, *pkg.T
	t = line.strip()
	base = t.lstrip("*").split(".")[-1]
	return [base], t, tag, True

def tag_get(tag, key):
	m = re.search(r'(?:^|\s)' + key + r':"((?:[^"\\]|\\.)*)"', tag)
	return m.group(1) if m else None

class Walker:
	def __init__(self, modules):
		self.modules = modules	# import prefix -> dir
		self.pkgs = {}
		self.entries = []
		self.sources = []	# (prefix, pkgpath, typename, file)
		self.notes = []

	def pkg(self, path):
		if path in self.pkgs:
			return self.pkgs[path]
		for pre, d in self.modules.items():
			if path == pre or path.startswith(pre + "/"):
				sub = path[len(pre):].lstrip("/")
				p = Pkg(path, os.path.join(d, sub))
				self.pkgs[path] = p
				return p
		return None

	def resolve(self, expr, pkg, imports):
		"""Return a descriptor tuple for a Go type expression."""
		expr = expr.strip()
		if expr.startswith("*"):
			return self.resolve(expr[1:], pkg, imports)
		if expr.startswith("[]"):
			return ("list", self.resolve(expr[2:], pkg, imports), expr)
		m = re.match(r"\[\w+\]", expr)
		if m:
			return ("list", self.resolve(expr[m.end():], pkg, imports),
			    expr)
		if expr.startswith("map["):
			e = match_brace(expr, 3, "[", "]")
			k = expr[4:e]
			v = expr[e + 1:]
			return ("map", self.resolve(k, pkg, imports),
			    self.resolve(v, pkg, imports), expr)
		if expr in ("any", "interface{}") or re.fullmatch(
		    r"interface\s*\{\s*\}", expr):
			return ("any", expr)
		if expr in BASIC:
			return ("scalar", expr)
		if expr.startswith("func") or expr.startswith("chan"):
			return ("unsupported", expr)
		if "." in expr:
			alias, name = expr.split(".", 1)
			path = imports.get(alias)
			if path is None:
				raise ValueError("unknown import %s in %s" %
				    (alias, pkg.path))
			if path == "time" and name == "Duration":
				return ("scalar", "time.Duration")
			if path == "time" and name == "Time":
				return ("scalar", "time.Time")
			p = self.pkg(path)
			if p is None:
				return ("external", path + "." + name)
			return self.named(p, name)
		return self.named(pkg, expr)

	def named(self, p, name):
		if name not in p.types:
			raise ValueError("type %s not found in %s" % (name, p.path))
		kind, body, fn, imports = p.types[name]
		q = "%s.%s" % (p.path, name)
		if name in p.unmarshalers:
			return ("custom", q, p, name, fn)
		if kind == "struct":
			return ("struct", q, p, name, fn, body, imports,
			    name in p.textunmarshalers)
		if kind == "named":
			u = self.resolve(body, p, imports)
			if u[0] == "scalar":
				return ("scalar", q + " (" + u[1] + ")")
			return u
		if kind == "iface":
			return ("any", q)
		return ("unsupported", q)

	def add(self, path, kind, gotype, owner):
		for e in self.entries:
			if e[0] == path:
				raise ValueError("duplicate key " + path)
		self.entries.append((path, kind, gotype, owner))

	def struct_fields(self, d, prefix, seen):
		"""Yield (key, descriptor, gotype) of a struct, inline spliced."""
		_, q, p, name, fn, body, imports, tu = d
		if q in seen:
			raise ValueError("recursive type " + q)
		self.sources.append((prefix, p.path, name, fn))
		if tu:
			self.notes.append("%s has UnmarshalText" % q)
		out = []
		for line in split_fields(body):
			names, texpr, tag, embedded = parse_field(line)
			ytag = tag_get(tag, "yaml")
			if ytag is None and tag and ":" not in tag:
				ytag = tag
			ytag = ytag or ""
			parts = ytag.split(",")
			key, flags = parts[0], parts[1:]
			for n in names:
				if not embedded and not n[0].isupper():
					continue	# unexported
				if key == "-":
					continue
				if "inline" in flags:
					sub = self.resolve(texpr, p, imports)
					if sub[0] != "struct":
						raise ValueError("inline of %s"
						    % sub[0])
					out.extend(self.struct_fields(sub,
					    prefix, seen | {q}))
					continue
				if embedded and not n[0].isupper():
					raise ValueError("unexported embedded "
					    + n + " in " + q)
				k = key if key else n.lower()
				if not key:
					self.notes.append("%s.%s: no yaml name,"
					    " key %r" % (q, n, k))
				out.append((k, self.resolve(texpr, p, imports),
				    texpr, q))
		keys = [o[0] for o in out]
		dup = set(k for k in keys if keys.count(k) > 1)
		if dup:
			raise ValueError("duplicate keys %s in %s" % (dup, q))
		return out

	def walk_struct(self, d, prefix, seen=frozenset()):
		for key, sub, texpr, owner in self.struct_fields(d, prefix,
		    seen):
			path = prefix + key
			self.walk_value(path, sub, texpr, seen | {d[1]}, owner)

	def walk_value(self, path, d, texpr, seen, owner):
		k = d[0]
		add = lambda kind, t: self.add(path, kind, t, owner)
		if k == "struct":
			add("LK_MAP", texpr)
			self.walk_struct(d, path + ".", seen)
		elif k in ("scalar",):
			# A Go bool: its generated flag takes no value (--turn.enabled).
			add("LK_BOOL" if texpr.lstrip("*") == "bool" else "LK_SCALAR",
			    texpr)
		elif k == "custom":
			add("LK_SCALAR", texpr + " [UnmarshalYAML]")
		elif k == "any":
			add("LK_ANY", texpr)
		elif k == "list":
			e = d[1]
			if e[0] == "struct":
				add("LK_LISTOF", texpr)
				self.walk_struct(e, path + "[].", seen)
			elif e[0] in ("scalar", "custom"):
				add("LK_LIST", texpr)
			else:
				raise ValueError("list of %s at %s" % (e[0],
				    path))
		elif k == "map":
			v = d[2]
			if v[0] == "struct":
				add("LK_MAPOF", texpr)
				self.walk_struct(v, path + ".*.", seen)
			else:
				add("LK_ANYMAP", texpr +
				    (" [values: UnmarshalYAML]"
				    if v[0] == "custom" else ""))
		else:
			raise ValueError("%s: unsupported %s" % (path, d))

C_FUNCS = """
const size_t lk_nkeys = sizeof(lk_keys) / sizeof(lk_keys[0]);

const struct lk_key *
lk_key_find(const char *path)
{
	size_t lo, hi, mid;
	int c;

	if (path == NULL)
		return NULL;
	lo = 0;
	hi = lk_nkeys;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, lk_keys[mid].path);
		if (c == 0)
			return &lk_keys[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct lk_key *
lk_key_at(size_t i)
{
	if (i >= lk_nkeys)
		return NULL;
	return &lk_keys[i];
}
"""

def modrel(w, fn):
	"""(module import path, path inside module) for a source file."""
	fn = os.path.abspath(fn)
	for pre, d in w.modules.items():
		d = os.path.abspath(d)
		if fn.startswith(d + "/"):
			return pre, fn[len(d) + 1:]
	return "?", fn

def short(q):
	pkg, name = q.rsplit(".", 1)
	return pkg.rsplit("/", 1)[-1] + "." + name

def emit_c(w, ents, meta):
	o = []
	o.append("/*")
	o.append(" * SPDX-License-Identifier: GPL-2.0-or-later")
	o.append(" *")
	for line in meta.rstrip("\n").split("\n"):
		o.append((" * " + line).rstrip())
	o.append(" *")
	o.append(" * Structs read (Go package.Type, file in its module, and the")
	o.append(" * key path where it is first used; +N = used N more times):")
	o.append(" *")
	seen = {}
	order = []
	for pre, pp, name, fn in w.sources:
		key = (pp, name)
		if key not in seen:
			seen[key] = [pre, 0, fn]
			order.append(key)
		else:
			seen[key][1] += 1
	for key in order:
		pre, more, fn = seen[key]
		mod, rel = modrel(w, fn)
		where = pre.rstrip(".") or "(top level)"
		o.append(" *   %s.%s" % (key[0].rsplit("/", 1)[-1], key[1]))
		repo = {"github.com/livekit/livekit-server": "livekit/livekit"}.get(
		    mod, mod.replace("github.com/", ""))
		o.append(" *\t%s: %s" % (repo, rel))
		o.append(" *\t-> %s%s" % (where,
		    " (+%d)" % more if more else ""))
	o.append(" *")
	o.append(" * Each entry's comment names the Go struct declaring the key")
	o.append(" * and the field's Go type.  This file is generated by")
	o.append(" * gen_lk_keys.py; edit that, not this.")
	o.append(" */")
	o.append("")
	o.append("#include <stddef.h>")
	o.append("#include <string.h>")
	o.append("")
	o.append('#include "lk_keys.h"')
	o.append("")
	o.append("/* Sorted by strcmp(3) order of path; lk_key_find() relies on it. */")
	o.append("static const struct lk_key lk_keys[] = {")
	for path, kind, gotype, owner in ents:
		gt = gotype.replace("*/", "* /")
		o.append('\t{ "%s", %s },\t/* %s: %s */' % (path, kind,
		    short(owner), gt))
	o.append("};")
	o.append(C_FUNCS.rstrip("\n"))
	return "\n".join(o) + "\n"

def main():
	lk, proto, mtu = sys.argv[1:4]
	mode = sys.argv[4] if len(sys.argv) > 4 else "--tsv"
	w = Walker({
	    "github.com/livekit/livekit-server": lk,
	    "github.com/livekit/protocol": proto,
	    "github.com/livekit/mediatransportutil": mtu,
	})
	p = w.pkg("github.com/livekit/livekit-server/pkg/config")
	root = w.named(p, "Config")
	w.walk_struct(root, "")
	ents = sorted(w.entries, key=lambda e: e[0].encode())
	if mode == "--tsv":
		for e in ents:
			print("%s\t%s\t%s\t%s" % e)
	elif mode == "--c":
		meta = open(sys.argv[5]).read() if len(sys.argv) > 5 else ""
		sys.stdout.write(emit_c(w, ents, meta))
	for n in w.notes:
		print("NOTE", n, file=sys.stderr)

if __name__ == "__main__":
	main()
