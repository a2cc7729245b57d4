"""Export: takes the asserted triples, the closure and the answers, gives the dist/ files
(Turtle, N-Triples, JSON-LD, the closure, VoID, answers.md, SHA256SUMS), byte-identical
for the same input whatever engine built them.

dump.py sorts and serializes triples deterministically (`Dump`); files.py decides what
goes in each file (`write_files`, `void_description`, `checksums`); sink.py writes each
file on a thread of its own while hashing it."""
