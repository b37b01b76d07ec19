#!/usr/bin/env python3
"""No loop between files, read off the linker's view of the built libraries.

Each object file in the given static libraries is a node; an object that leaves a symbol
undefined which another object defines depends on that object. A strongly connected set of
two or more objects is a loop (A calls into B, and B, directly or through others, calls back
into A): the house rule is that the file a room is built on never reaches back up. Callbacks
through function pointers are the sanctioned way to call upwards and leave no symbol, so they
are not loops here.

usage: no_loops.py NM LIBRARY.a...
Exit 0 when there is no loop; 1 with each loop and the symbols that tie it.
"""
import subprocess
import sys
from collections import defaultdict


def read_symbols(nm, libraries):
    defined = {}
    undefined = defaultdict(set)
    for lib in libraries:
        out = subprocess.run([nm, "-A", "-g", lib], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            # "LIB:MEMBER.o:ADDR T NAME" or "LIB:MEMBER.o:                 U NAME"
            fields = line.split()
            if len(fields) < 3:
                continue
            where = fields[0].split(":")
            if len(where) < 3:
                continue
            member, kind, name = where[-2], fields[-2], fields[-1]
            if kind == "U":
                undefined[member].add(name)
            elif kind not in ("w", "v"):
                defined.setdefault(name, member)
    return defined, undefined


def loops(edges, nodes):
    """Tarjan's strongly connected components of size > 1."""
    index = {}
    low = {}
    stack = []
    on_stack = set()
    found = []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    defined, undefined = read_symbols(sys.argv[1], sys.argv[2:])
    edges = defaultdict(set)
    ties = defaultdict(set)
    nodes = set(defined.values()) | set(undefined)
    for member, names in undefined.items():
        for name in names:
            target = defined.get(name)
            if target is not None and target != member:
                edges[member].add(target)
                ties[(member, target)].add(name)
    found = loops(edges, nodes)
    print(f"{len(nodes)} object files, {sum(len(e) for e in edges.values())} dependencies, "
          f"{len(found)} loops")
    for component in found:
        print("loop: " + ", ".join(component))
        members = set(component)
        for a in component:
            for b in sorted(edges[a] & members):
                print(f"  {a} -> {b}: {', '.join(sorted(ties[(a, b)]))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
