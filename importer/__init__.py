"""`vigil import`: bring objects clicked together in the consoles under code.

The flow, one module each: ``live`` reads every object of the accounts once; ``ownership`` tells
which of them a stack already owns; ``blocks`` turns each unowned object into the block (and the
environment values) that declares it exactly, with what cannot be represented; ``plan`` selects
and completes the candidates with what they depend on; ``generate`` writes the stack module and the
environment's YAML, atomically. Nothing here writes to an account: adoption is the next `up`'s
create-or-adopt by natural key (core/provider.py), which finds every object already as declared.
"""
