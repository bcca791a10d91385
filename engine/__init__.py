"""The BPM runtime: parse, deploy and run BPMN/DMN on SpiffWorkflow.

It knows nothing about contracts. Callers hand it a database session and the
acting user's name; it never reads Flask request state.
"""
