"""`vigil import`: bring objects clicked together in the consoles under code.

The flow, one module each: ``live`` reads every object of the accounts once; ``owners`` tells which
of them a stack already owns (the ownership index, engine/ownership.py); ``blocks`` turns each
unowned object into the block (and the environment values) that declares it exactly, with what
cannot be represented; ``plan`` selects and completes the candidates with what they depend on;
``generate`` writes the stack module and the environment's YAML, atomically. Nothing here writes to
an account: adoption is the next `up`'s create-or-adopt by natural key (core/provider.py), which
finds every object already as declared. A status page's sort order is write-only (never read
back): the block's default is declared and, since adoption compares only what reads return, the
live order stays until the stack changes it.
"""
