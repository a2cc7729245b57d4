"""The benchmark: a seeded generator that grows the project's graph the way real use does,
and a harness that times every stage of `rekg build` on each engine."""
