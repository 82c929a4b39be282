"""Community voting: the voting page, fair ordering, results and the vote-stuffing defence."""
