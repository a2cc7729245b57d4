"""Export: takes the asserted triples, the closure and the answers, gives the dist/ files
(Turtle, N-Triples, JSON-LD, the closure, the claims by source as named graphs in TriG and
N-Quads, VoID, answers.md, SHA256SUMS), byte-identical for the same input whatever engine
built them.

dump.py sorts and serializes triples deterministically (`Dump`); named.py cuts the
asserted Dump into one named graph a source (`NamedGraphs`); files.py decides what goes
in each file (`write_files`, `void_description`, `checksums`); sink.py writes each file
on a thread of its own while hashing it; swap.py puts a whole folder (dist/, site/) in
place of the old one in one step, and removes what killed runs left (`replaced`)."""
