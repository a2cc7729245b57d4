"""Quads, the fast loader's graph as written: each quad once, in load order, with
per-predicate tables that follow later additions."""

import pyoxigraph as ox

from rekg.graph.quads import Quads

EX = "http://example.org/"
P, Q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")


def quad(s, p, o):
    return ox.Quad(ox.NamedNode(EX + s), p, o)


def test_each_quad_once_in_the_order_first_loaded():
    a, b = quad("a", P, ox.Literal("1")), quad("b", P, ox.Literal("2"))
    quads = Quads([b, a])
    quads.extend([a, b, quad("c", Q, ox.Literal("3"))])
    quads.add(b)
    assert list(quads) == [b, a, quad("c", Q, ox.Literal("3"))]
    assert len(quads) == 3
    assert a in quads and quad("a", Q, ox.Literal("1")) not in quads


def test_literals_stay_as_written():
    five = ox.Literal("05", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert [q.object for q in Quads([quad("a", P, five)])] == [five]


def test_tables_by_predicate_follow_later_additions():
    quads = Quads([quad("a", P, ox.Literal("1"))])
    assert quads.out(P) == {ox.NamedNode(EX + "a"): [ox.Literal("1")]}
    assert quads.for_predicate(Q) == []
    quads.extend([quad("b", P, ox.Literal("1")), quad("a", P, ox.Literal("1"))])
    quads.add(quad("a", Q, ox.Literal("2")))
    assert quads.out(P) == {
        ox.NamedNode(EX + "a"): [ox.Literal("1")],
        ox.NamedNode(EX + "b"): [ox.Literal("1")],
    }
    assert quads.inv(P) == {ox.Literal("1"): [ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b")]}
    assert quads.for_predicate(Q) == [quad("a", Q, ox.Literal("2"))]
    assert quads.subjects() == {ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b")}
