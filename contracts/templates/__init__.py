"""Contract templates: the library, sandboxed rendering, DOCX/PDF output, drafting.

Kept free of imports so `contracts.models` can register the template tables
without a cycle; import the submodules directly.
"""
